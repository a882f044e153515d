// Runs every benchmark under bench/ in one go, prints their tables, and ends with one summary of
// every ratio they recorded and its target (bench/summary.mjs, targets in bench/targets.mjs).
//   npm run bench [-- <name> ...]   (only the bench files whose names contain one of these)
//   node scripts/bench.mjs --smoke [--no-build]   tiny sizes, one round: proves every bench runs;
//     judges no figure; writes a JUnit report (one case per bench file) to $WEFT_REPORT_DIR.
import { spawn, spawnSync } from "node:child_process"
import { mkdirSync, readdirSync, writeFileSync } from "node:fs"
import { cpus, loadavg } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { RESULT_PREFIX } from "../bench/report.mjs"
import { printSummary, summarize } from "../bench/summary.mjs"
import { env, ensureRedis, root, setup } from "./setup.mjs"

const flags = new Set(process.argv.slice(2).filter((a) => a.startsWith("--")))
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"))
const smoke = flags.has("--smoke")
/** A smoke run of one bench file that takes longer than this is stopped and fails. */
const SMOKE_LIMIT_MS = 120_000

if (!flags.has("--no-build")) {
  setup()
  ensureRedis() // cluster.bench.mjs starts its own redis-server
  const build = spawnSync("turbo", ["run", "build", "--output-logs=errors-only"], { cwd: root, env, stdio: "inherit" })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const benchEnv = { ...env, WEFT_BENCH_REPORT: "1" }
if (smoke) Object.assign(benchEnv, { WEFT_BENCH_SMOKE: "1", ROUNDS: "1", TASKS: "200" })

/** Runs one bench file, echoing its output; resolves with its recorded rows and how it ended. */
function runBench(file) {
  return new Promise((resolve) => {
    const started = performance.now()
    const child = spawn("node", [join(root, "bench", file)], {
      cwd: root,
      env: benchEnv,
      stdio: ["ignore", "pipe", "inherit"],
      detached: smoke,
    })
    const rows = []
    let lastLine = ""
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line.startsWith(RESULT_PREFIX)) rows.push({ bench: file, ...JSON.parse(line.slice(RESULT_PREFIX.length)) })
      else {
        console.log(line)
        if (line.trim() !== "") lastLine = line.trim()
      }
    })
    let timedOut = false
    const timer = smoke
      ? setTimeout(() => {
          timedOut = true
          process.kill(-child.pid, "SIGKILL") // the bench's own process group: its browser, deno or redis too
        }, SMOKE_LIMIT_MS)
      : undefined
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      resolve({ file, rows, code, signal, timedOut, lastLine, seconds: (performance.now() - started) / 1000 })
    })
  })
}

const load = loadavg()[0]
const files = readdirSync(join(root, "bench"))
  .filter((f) => f.endsWith(".bench.mjs") && (only.length === 0 || only.some((name) => f.includes(name))))
  .sort()
const runs = []
for (const file of files) {
  console.log(`\n### ${file}`)
  const run = await runBench(file)
  runs.push(run)
  if (run.code !== 0) {
    process.exitCode = 1
    console.log(`${file} ${run.timedOut ? `was stopped after ${SMOKE_LIMIT_MS / 1000} s` : `exited with ${run.code ?? run.signal}`}`)
  }
}

const machine = `${cpus().length} cores, load average ${load.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`
const summary = summarize(
  runs.flatMap((r) => r.rows),
  files,
)
printSummary(summary, smoke ? `smoke run: tiny sizes, figures mean nothing; ${machine}` : machine)
if (smoke) writeJUnit(runs, summary)

/**
 * One test case per bench file: it exited 0 and recorded rows (a bench that skipped itself is
 * "skipped"); and one for the summary table.
 */
function writeJUnit(runs, summary) {
  const dir = process.env.WEFT_REPORT_DIR ?? join(root, "reports")
  mkdirSync(dir, { recursive: true })
  const xml = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
  const cases = runs.map((run) => {
    const head = `<testcase classname="bench smoke" name="${xml(run.file)}" time="${run.seconds.toFixed(1)}"`
    if (run.code !== 0)
      return `${head}><failure message="${xml(run.timedOut ? `stopped after ${SMOKE_LIMIT_MS / 1000} s` : `exited with ${run.code ?? run.signal}`)}"/></testcase>`
    if (run.rows.length === 0) return `${head}><skipped message="${xml(`recorded no ratio: ${run.lastLine}`)}"/></testcase>`
    return `${head}/>`
  })
  const measured = summary.filter((r) => Number.isFinite(r.ratio)).length
  cases.push(
    `<testcase classname="bench smoke" name="summary table (${summary.length} rows)"${measured > 0 ? "/>" : `><failure message="no bench recorded a ratio"/></testcase>`}`,
  )
  const failures = runs.filter((r) => r.code !== 0).length + (measured > 0 ? 0 : 1)
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="bench smoke" tests="${cases.length}" failures="${failures}">\n${cases.join("\n")}\n</testsuite></testsuites>\n`
  writeFileSync(join(dir, "bench-smoke.xml"), body)
}
