// @weft/bundler: the worker entry it emits for the example app against the page bundle (bytes),
// and the build time it adds (the same app built with the plugin, with the hand-written worker
// entry, and with neither). Builds reuse the bundler matrix's configurations.
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, posix } from "node:path"
import { builders, distRoot } from "../packages/bundler/test/matrix/builds.mjs"
import { median, record, smoke } from "./report.mjs"

const rounds = Number(process.env.ROUNDS ?? 3)

const allTools = [
  { name: "Vite (build)", build: builders.buildVite, page: /^assets\/index-.*\.js$/ },
  { name: "webpack 5", build: builders.buildWebpack, page: /^main\.js$/ },
  { name: "Rollup 4", build: builders.buildRollup, page: /^main\.js$/ },
  { name: "esbuild", build: builders.buildEsbuild, page: /^main\.js$/ },
  { name: "Rspack", build: builders.buildRspack, page: /^main\.js$/ },
]

// A smoke run (CI) builds with one tool only, and does not warm it up first.
const tools = smoke ? allTools.filter((tool) => tool.name === "esbuild") : allTools

function files(dir, prefix = "") {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  )
}

/** Bytes of the entry file matching `pattern` and of every chunk it imports statically (ESM output). */
function bytes(cell, pattern) {
  const dir = join(distRoot, cell)
  const entry = files(dir).find((file) => pattern.test(file))
  if (entry === undefined) throw new Error(`${cell}: no file matches ${pattern}`)
  const seen = new Set()
  const visit = (file) => {
    if (seen.has(file)) return
    seen.add(file)
    const code = readFileSync(join(dir, file), "utf8")
    for (const [, specifier] of code.matchAll(/(?:\bimport|\bfrom)\s*["'](\.\.?\/[^"']+)["']/g))
      visit(posix.join(posix.dirname(file), specifier))
  }
  visit(entry)
  return [...seen].reduce((sum, file) => sum + statSync(join(dir, file)).size, 0)
}

async function timed(build, cell, mode) {
  // One build first: the tool's own start-up (loading, JIT, caches) is not the plugin's cost.
  if (!smoke) await build(cell, mode)
  const samples = []
  for (let i = 0; i < rounds; i++) {
    const start = performance.now()
    await build(cell, mode)
    samples.push(performance.now() - start)
  }
  return median(samples)
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`
const ms = (n) => `${n.toFixed(0)} ms`
const rows = []
for (const tool of tools) {
  const cell = `bench-${tool.name.split(" ")[0].toLowerCase()}`
  const bare = await timed(tool.build, `${cell}-bare`, "bare")
  const manual = await timed(tool.build, `${cell}-manual`, "manual")
  const plugin = await timed(tool.build, `${cell}-plugin`, "plugin")
  const worker = bytes(`${cell}-plugin`, /weft-worker[^/]*\.js$/)
  const page = bytes(`${cell}-plugin`, tool.page)
  record({ table: "@weft/bundler", name: `${tool.name}: worker entry / page bundle`, ratio: worker / page, target: "" })
  record({ table: "@weft/bundler", name: `${tool.name}: build time, plugin / manual entry`, ratio: plugin / manual, target: "" })
  rows.push([
    tool.name,
    kb(worker),
    kb(page),
    `${(worker / page).toFixed(2)}×`,
    ms(bare),
    ms(manual),
    ms(plugin),
    `${(plugin / manual).toFixed(2)}×`,
    `${(plugin / bare).toFixed(2)}×`,
  ])
}

const header = [
  "tool",
  "worker entry",
  "page bundle",
  "worker/page",
  "build: bare",
  "manual entry",
  "plugin",
  "plugin/manual",
  "plugin/bare",
]
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
const fmt = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join("  ")
console.log(
  `\n@weft/bundler on the example app (median of ${rounds} builds; bytes a worker loads at start — the emitted worker entry and the chunks it imports — against the page's entry and its chunks, minified)`,
)
console.log(fmt(header))
console.log(widths.map((w) => "-".repeat(w)).join("  "))
for (const row of rows) console.log(fmt(row))
console.log(
  "plugin/manual: the plugin's own cost (finding task modules, keying registrations); plugin/bare: that plus bundling a worker at all.",
)
