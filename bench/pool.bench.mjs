// weft's ThreadPool against piscina, tinypool, a hand-written two-worker pool and a raw
// postMessage echo, same tasks, same run. Prints a table of ratios; asserts nothing.
//   node bench/pool.bench.mjs            (ROUNDS=n to change the repetitions)
//   taskset -c 0 node bench/pool.bench.mjs   (pinned to one vCPU)
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"
import { Piscina } from "piscina"
import { Tinypool } from "tinypool"
import { ThreadPool } from "@weft/node"
import { noop, spin } from "./pool-tasks.mjs"
import { median, record, size } from "./report.mjs"

const here = fileURLToPath(import.meta.url)
const anchorFile = new URL("./pool-anchor-worker.mjs", import.meta.url).href
const rawFile = new URL("./pool-raw-worker.mjs", import.meta.url)
const ROUNDS = Number(process.env.ROUNDS ?? 5)
const FLOOD = size(100_000, 2_000)
const CPU_TASKS = size(2000, 100)
const CPU_MS = 1

/** The baseline pool: two workers, round robin, one message per task each way. */
class RawPool {
  constructor(n) {
    this.workers = []
    this.pending = new Map()
    this.next = 0
    this.id = 0
    for (let i = 0; i < n; i++) {
      const worker = new Worker(rawFile)
      worker.on("message", (m) => {
        const resolve = this.pending.get(m.id)
        this.pending.delete(m.id)
        resolve(m.value)
      })
      this.workers.push(worker)
    }
  }
  run(fn, arg) {
    const id = this.id++
    const worker = this.workers[this.next++ % this.workers.length]
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      worker.postMessage({ id, fn, arg })
    })
  }
  close() {
    return Promise.all(this.workers.map((w) => w.terminate()))
  }
}

/** Uniform faces: run(fnName, arg) → promise, close(). */
const contenders = {
  weft: () => {
    const pool = new ThreadPool({ maxWorkers: 2 })
    const fns = { noop, spin }
    return { run: (fn, arg) => pool.submit(fns[fn], arg), close: () => pool.shutdown() }
  },
  raw: () => new RawPool(2),
  piscina: () => {
    const pool = new Piscina({ filename: anchorFile, minThreads: 2, maxThreads: 2 })
    return { run: (fn, arg) => pool.run({ fn, arg }), close: () => pool.destroy() }
  },
  tinypool: () => {
    const pool = new Tinypool({ filename: anchorFile, minThreads: 2, maxThreads: 2 })
    return { run: (fn, arg) => pool.run({ fn, arg }), close: () => pool.destroy() }
  },
}

/** The same warm-up for every contender: JIT the one-at-a-time and the batched paths. */
async function warm(pool) {
  for (let i = 0; i < size(3000, 100); i++) await pool.run("noop", i)
  await Promise.all(Array.from({ length: size(2000, 100) }, (_, i) => pool.run("noop", i)))
}

/** µs per task, one at a time: the mean (the run's wall time / n) and the median single trip. */
async function roundTrip(pool, n = size(2000, 100)) {
  const stamps = new Float64Array(n + 1)
  stamps[0] = performance.now()
  for (let i = 0; i < n; i++) {
    await pool.run("noop", i)
    stamps[i + 1] = performance.now()
  }
  return trips(stamps)
}

/** The mean and the median of the gaps between consecutive stamps, in µs. */
function trips(stamps) {
  const n = stamps.length - 1
  const gaps = Array.from({ length: n }, (_, i) => stamps[i + 1] - stamps[i])
  return { mean: ((stamps[n] - stamps[0]) / n) * 1000, p50: median(gaps) * 1000 }
}

async function flood(pool) {
  const t0 = performance.now()
  const all = new Array(FLOOD)
  for (let i = 0; i < FLOOD; i++) all[i] = pool.run("noop", i)
  await Promise.all(all)
  return FLOOD / ((performance.now() - t0) / 1000) // tasks/s
}

async function cpu(pool) {
  const t0 = performance.now()
  await Promise.all(Array.from({ length: CPU_TASKS }, () => pool.run("spin", CPU_MS)))
  const ideal = (CPU_TASKS * CPU_MS) / 2
  return ideal / (performance.now() - t0) // efficiency against a perfect 2×
}

/** Raw postMessage echo to one worker: the physical limit of one round trip. */
async function echo(n = size(2000, 100)) {
  const worker = new Worker(rawFile)
  const once = (v) =>
    new Promise((resolve) => {
      worker.once("message", resolve)
      worker.postMessage({ echo: v })
    })
  for (let i = 0; i < size(3000, 100); i++) await once(i)
  const stamps = new Float64Array(n + 1)
  stamps[0] = performance.now()
  for (let i = 0; i < n; i++) {
    await once(i)
    stamps[i + 1] = performance.now()
  }
  await worker.terminate()
  return trips(stamps)
}

/**
 * The hardware's own 2-thread scaling: two bare workers each spin half the CPU tasks in a loop,
 * with no pool and no messages between tasks. Returns the wall time (ms) of the slower one.
 */
async function hardware() {
  const source = `const { parentPort } = require("node:worker_threads")
    parentPort.once("message", ({ n, ms }) => {
      for (let i = 0; i < n; i++) { const end = performance.now() + ms; let k = 0; while (performance.now() < end) k++ }
      parentPort.postMessage("done")
    })`
  const workers = [0, 1].map(() => new Worker(source, { eval: true }))
  const done = workers.map((w) => new Promise((resolve) => w.once("message", resolve)))
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once("online", resolve))))
  const t0 = performance.now()
  for (const w of workers) w.postMessage({ n: CPU_TASKS / 2, ms: CPU_MS })
  await Promise.all(done)
  const wall = performance.now() - t0
  await Promise.all(workers.map((w) => w.terminate()))
  return wall
}

// Creation + first task, and idle RSS, are measured in a fresh process per contender.
// RSS is read with both workers idle: right after they started, after WARM_SHORT tasks (the size
// of the warm-up the harness measured after), and after WARM_LONG tasks. A worker's young
// generation keeps the pages its allocations touched, so the short reading is a snapshot of how far
// each worker has got into its semispaces; the long one is what stays.
const WARM_SHORT = size(660, 66)
const WARM_LONG = size(20_000, 200)
if (process.argv[2] === "--startup") {
  const name = process.argv[3]
  const idle = async () => {
    await new Promise((r) => setTimeout(r, 200))
    return process.memoryUsage().rss - rss0
  }
  const tasks = async (n) => {
    for (let i = 0; i < n / 2; i++) await pool.run("noop", i)
    await Promise.all(Array.from({ length: n / 2 }, (_, i) => pool.run("noop", i)))
  }
  const rss0 = process.memoryUsage().rss
  const t0 = performance.now()
  const pool = contenders[name]()
  await pool.run("noop", 1)
  const first = performance.now() - t0
  await Promise.all([pool.run("spin", 5), pool.run("spin", 5)]) // both workers up
  const rss = await idle()
  await tasks(WARM_SHORT)
  const rssShort = await idle()
  await tasks(WARM_LONG - WARM_SHORT)
  const rssLong = await idle()
  await pool.close()
  console.log(JSON.stringify({ first, rss, rssShort, rssLong }))
  process.exit(0)
}

function startup(name) {
  const out = spawnSync(process.execPath, [here, "--startup", name], { encoding: "utf8" })
  if (out.status !== 0) throw new Error(`startup run of ${name} failed: ${out.stderr}`)
  return JSON.parse(out.stdout.trim().split("\n").pop())
}

const results = {}
for (const name of Object.keys(contenders))
  results[name] = { trip: [], tripP50: [], flood: [], cpu: [], cpuHw: [], first: [], rss: [], rssShort: [], rssLong: [] }
const echoes = []
const hardwareWalls = []
for (let round = 0; round < ROUNDS; round++) {
  echoes.push(await echo())
  hardwareWalls.push(await hardware())
  for (const [name, make] of Object.entries(contenders)) {
    const pool = make()
    await warm(pool)
    const r = results[name]
    const trip = await roundTrip(pool)
    r.trip.push(trip.mean)
    r.tripP50.push(trip.p50)
    r.flood.push(await flood(pool))
    const efficiency = await cpu(pool)
    r.cpu.push(efficiency)
    // Against this round's hardware run: the pool's wall time is (CPU_TASKS * CPU_MS / 2) / efficiency.
    r.cpuHw.push(hardwareWalls[round] / ((CPU_TASKS * CPU_MS) / 2 / efficiency))
    await pool.close()
    const s = startup(name)
    r.first.push(s.first)
    r.rss.push(s.rss / 1024 / 1024)
    r.rssShort.push(s.rssShort / 1024 / 1024)
    r.rssLong.push(s.rssLong / 1024 / 1024)
  }
}

const m = (name, key) => median(results[name][key])
const echoUs = median(echoes.map((e) => e.mean))
const echoP50 = median(echoes.map((e) => e.p50))
const fmt = {
  trip: (v) => `${v.toFixed(1)} µs`,
  tripP50: (v) => `${v.toFixed(1)} µs`,
  flood: (v) => `${(v / 1000).toFixed(0)}k/s`,
  cpu: (v) => `${(v * 100).toFixed(1)}%`,
  cpuHw: (v) => `${(v * 100).toFixed(1)}%`,
  first: (v) => `${v.toFixed(1)} ms`,
  rss: (v) => `${v.toFixed(1)} MiB`,
  rssShort: (v) => `${v.toFixed(1)} MiB`,
  rssLong: (v) => `${v.toFixed(1)} MiB`,
}
const rows = [
  ["no-op round trip (one at a time)", "trip", `raw echo ${fmt.trip(echoUs)}`, echoUs, "weft ≤ 1.1× echo", (w, b) => w / b],
  // The mean above carries the rare slow trip (a collection, a function the JIT is compiling on the
  // thread the trips need, on one CPU); the median trip leaves them out.
  ["one-at-a-time no-op, median single trip", "tripP50", `raw echo's ${fmt.trip(echoP50)}`, echoP50, "informational", (w, b) => w / b],
  [`${FLOOD / 1000}k no-op tasks at once, 2 workers`, "flood", "raw pool", m("raw", "flood"), "weft ≥ 0.8× raw pool", (w, b) => w / b],
  [`${CPU_TASKS} × ${CPU_MS} ms CPU tasks, efficiency vs ideal 2×`, "cpu", "ideal", 1, "weft ≥ 0.95", (w) => w],
  [
    `${CPU_TASKS} × ${CPU_MS} ms CPU tasks, efficiency vs the hardware's 2-thread scaling`,
    "cpuHw",
    `2 bare threads ${(median(hardwareWalls) / 1000).toFixed(3)} s`,
    1,
    "weft ≥ 0.97",
    (w) => w,
  ],
  ["create pool + first task", "first", "piscina", m("piscina", "first"), "weft ≤ piscina", (w, b) => w / b],
  ["RSS with 2 idle workers", "rss", "piscina", m("piscina", "rss"), "weft ≤ piscina", (w, b) => w / b],
  [`RSS with 2 idle workers after ${WARM_SHORT} tasks`, "rssShort", "piscina", m("piscina", "rssShort"), "weft ≤ piscina", (w, b) => w / b],
  [`RSS with 2 idle workers after ${WARM_LONG} tasks`, "rssLong", "piscina", m("piscina", "rssLong"), "weft ≤ piscina", (w, b) => w / b],
]
const header = ["measure", "weft", "raw", "piscina", "tinypool", "ratio", "vs", "target"]
const lines = rows.map(([label, key, vs, base, target, ratio]) => [
  label,
  fmt[key](m("weft", key)),
  fmt[key](m("raw", key)),
  fmt[key](m("piscina", key)),
  fmt[key](m("tinypool", key)),
  `${ratio(m("weft", key), base).toFixed(2)}`,
  vs,
  target,
])
console.log(
  `\nThreadPool vs piscina 5.3.2, tinypool 2.2.0, a raw 2-worker pool and a raw echo (median of ${ROUNDS}, Node ${process.version})`,
)
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)))
const row = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join("  ")
console.log(row(header))
console.log(widths.map((w) => "-".repeat(w)).join("  "))
for (const line of lines) console.log(row(line))
for (const line of lines)
  record({ table: "ThreadPool vs peers", name: line[0], ratio: Number(line[5]), target: `${line[7]}`.replace(/^weft /, "") })
