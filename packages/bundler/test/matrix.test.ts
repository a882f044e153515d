// The bundler matrix: one example app (three styles, a Lock across two threads, a pool with map,
// a registered error class) built by every tool, with the plugin and with the documented manual
// worker entry, run in one cross-origin-isolated Chromium; the same program bundled for Node and
// run under Node; and the builds without either, whose failures must name cause and fix.
// Every build runs once, before the tests; the README's table is checked against this run.
import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { chromium, type Browser } from "playwright"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
// @ts-expect-error plain JavaScript shared with the benchmark
import { cells, distRoot, failureCells, startViteDev } from "./matrix/builds.mjs"
// @ts-expect-error plain JavaScript shared with the benchmark
import { runDevPage, runNode, runPage } from "./matrix/run.mjs"
// @ts-expect-error plain JavaScript shared with the benchmark
import { serveStatic } from "./matrix/serve.mjs"
// @ts-expect-error plain JavaScript: the example app itself
import { expected } from "./example/src/scenarios.js"
import { matrixTable, replaceTable } from "./matrix/table.js"
import { chromiumArgs, executablePath } from "../../web/test/chromium.mjs"

interface Cell {
  id: string
  tool: string
  mode: "plugin" | "manual"
  kind: "dev" | "browser" | "node"
  build?: (id: string) => Promise<Built>
}
interface Built {
  page: string
  warnings: string[]
}
type Outcome = { ok: true; value: unknown } | { ok: false; name: string; error: string }
type Results = Record<string, Outcome>

const built = new Map<string, Built | Error>()
const passed = new Map<string, boolean>()
let browser: Browser
let server: { url: string; close(): Promise<void> }

// Rspack warns about the worker chunk that starts nested threads from itself (a chunk cycle); it
// is the entry the worker must use, so the warning is expected. Anything else fails the cell.
const expectedWarning = /Circular dependency between chunks with runtime/

beforeAll(async () => {
  for (const cell of [...(cells as Cell[]), ...(failureCells as Cell[])]) {
    if (!cell.build) continue
    try {
      built.set(cell.id, await cell.build(cell.id))
    } catch (error) {
      built.set(cell.id, error as Error)
    }
  }
  server = await serveStatic(distRoot)
  browser = await chromium.launch({ executablePath, args: chromiumArgs })
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

function builtCell(id: string): Built {
  const result = built.get(id)
  if (result instanceof Error) throw result
  if (result === undefined) throw new Error(`${id} was not built`)
  return result
}

async function runCell(cell: Cell): Promise<Results | undefined> {
  if (cell.kind === "dev") {
    const dev = await startViteDev(cell.id, cell.mode)
    try {
      const { results, errors } = await runDevPage(browser, dev.url)
      expect(errors).toEqual([])
      return results
    } finally {
      await dev.server.close()
    }
  }
  const { warnings } = builtCell(cell.id)
  expect(warnings.filter((warning) => !expectedWarning.test(warning))).toEqual([])
  if (cell.kind === "node") {
    const run = await runNode(cell.id)
    expect(run.stderr).toBe("")
    expect(run.code).toBe(0)
    return run.results
  }
  const { results, errors } = await runPage(browser, `${server.url}${cell.id}/${builtCell(cell.id).page}`)
  expect(errors).toEqual([])
  return results
}

function expectedFor(cell: Cell): Results {
  const values: Record<string, unknown> = { ...expected }
  // The browser page with the plugin also runs tasks registered without explicit keys.
  if (cell.mode === "plugin" && cell.kind !== "node") values.unnamed = [42, 42]
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { ok: true, value }])) as Results
}

describe("the example app, built and run", () => {
  for (const cell of cells as Cell[]) {
    test(`${cell.tool}, ${cell.mode === "plugin" ? "with the plugin" : "with the manual worker entry"} (${cell.id})`, async () => {
      passed.set(cell.id, false)
      expect(await runCell(cell)).toEqual(expectedFor(cell))
      passed.set(cell.id, true)
    }, 120_000)
  }
})

const PLUGIN_FIX = /@weft\/bundler's plugin .*plugins: \[weft\(\)\].*configureWeb\(\{ createWorker \}\)/

describe("without the plugin or a worker entry, each failure names its cause and fix", () => {
  async function bareResults(id: string): Promise<Results> {
    const { results, errors } = await runPage(browser, `${server.url}${id}/${builtCell(id).page}`)
    expect(errors).toEqual([])
    return results
  }

  test("Vite build: the task module is a chunk of the page bundle", async () => {
    const results = await bareResults("vite-build-bare")
    const failure = results.functional as Extract<Outcome, { ok: false }>
    expect(failure.ok).toBe(false)
    expect(failure.name).toBe("ThreadTargetError")
    expect(failure.error).toMatch(/assets\/bare-[\w-]+\.js to find "fib": document is not defined/)
    expect(failure.error).toMatch(/chunk of the page's bundle/)
    expect(failure.error).toMatch(PLUGIN_FIX)
  }, 120_000)

  test("webpack: import.meta.url is the build machine's file:// path", async () => {
    expect(builtCell("webpack-bare").warnings).toEqual([])
    const results = await bareResults("webpack-bare")
    const failure = results.functional as Extract<Outcome, { ok: false }>
    expect(failure.ok).toBe(false)
    expect(failure.name).toBe("ThreadTargetError")
    expect(failure.error).toMatch(/"fib" was registered from file:\/\/\/.*\/src\/tasks\.js, a path on the machine that built the bundle/)
    expect(failure.error).toMatch(PLUGIN_FIX)
  }, 120_000)

  test("Vite dev server with weft pre-bundled: two copies of core in the worker, both named", async () => {
    const dev = await startViteDev("vite-dev-bare", "bare")
    try {
      const { results, errors } = await runDevPage(browser, dev.url)
      expect(errors).toEqual([])
      const failure = results.functional as Extract<Outcome, { ok: false }>
      expect(failure.ok).toBe(false)
      expect(failure.name).toBe("ThreadTargetError")
      expect(failure.error).toMatch(
        /"fib" is not in this registry: this thread has two copies of weft's core, \S+\/core\/dist\/\S+\.js and \S+\/\.vite-vite-dev-bare\/deps\/\S+\.js/,
      )
      expect(failure.error).toMatch(/optimizeDeps\.exclude/)
    } finally {
      await dev.server.close()
    }
  }, 120_000)
})

describe("the README's Bundlers table", () => {
  test("matches this run", () => {
    const readme = fileURLToPath(new URL("../../../README.md", import.meta.url))
    const text = readFileSync(readme, "utf8")
    const table = matrixTable(cells as Cell[], passed)
    if (process.env.WEFT_UPDATE_README === "1") writeFileSync(readme, replaceTable(text, table))
    expect(replaceTable(text, table)).toBe(text)
  })
})
