// Under Deno: a Thread round trip and (when core has it) a pool of tiny tasks, against raw
// `new Worker` + `postMessage` to a Deno worker measured in the same run. Prints ratios.
// Run through deno.bench.mjs (`npm run bench deno`).
import * as weft from "../packages/deno/dist/index.js"
import { Thread } from "../packages/deno/dist/index.js"
import { echo } from "./deno.bench.tasks.ts"
import { median, printTable, us } from "./report.mjs"

const rawEntry = new URL("./deno.bench.raw-worker.js", import.meta.url)
const floorEntry = new URL("./deno.bench.floor-worker.ts", import.meta.url)
const rounds = Number(Deno.env.get("ROUNDS") ?? 40)
const tasks = Number(Deno.env.get("TASKS") ?? 20_000)
const workers = 2

function rawWorker(entry: URL = rawEntry): Worker {
  return new Worker(entry, { type: "module" })
}

function reply(worker: Worker, message: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    worker.onmessage = (event) => resolve(event.data)
    worker.postMessage(message)
  })
}

/** Spawn a worker, one message there and back, terminate: what a Thread does, by hand. */
async function rawRoundTrip(entry: URL = rawEntry): Promise<number> {
  const t0 = performance.now()
  const worker = rawWorker(entry)
  await reply(worker, { value: 42 })
  const elapsed = performance.now() - t0
  worker.terminate()
  return elapsed
}

async function weftRoundTrip(cold: boolean): Promise<number> {
  const t0 = performance.now()
  // Per-runtime options always get a fresh worker: the cold path, without the spare.
  const thread = new Thread({ target: echo, args: [{ value: 42 }], ...(cold ? { deno: {} } : {}) })
  thread.start()
  await thread.join()
  return performance.now() - t0
}

/** One message there and back to a worker that is already running. */
async function rawMessage(worker: Worker): Promise<number> {
  const t0 = performance.now()
  await reply(worker, 1)
  return performance.now() - t0
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 100))

/** `rounds` timings, with a pause between them (not timed): a thread started by an otherwise idle program. */
async function sample(fn: () => Promise<number>): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < rounds; i++) {
    out.push(await fn())
    await pause()
  }
  return out
}

/**
 * `count` timings of each path, taking turns (a, b, c, a, b, c, ...), with a pause after each:
 * the load of a shared machine then falls on every path alike. Measured one path after the other,
 * the fresh-thread ratio swung between 1.1x and 3.6x from run to run.
 */
async function interleaved(count: number, paths: (() => Promise<number>)[]): Promise<number[][]> {
  const out = paths.map((): number[] => [])
  for (let i = 0; i < count; i++) {
    for (let p = 0; p < paths.length; p++) {
      out[p]!.push(await paths[p]!())
      await pause()
    }
  }
  return out
}

/** CPU time of the whole process (every thread), in ms: what a run cost, whatever else the machine runs. */
function cpuMs(): number {
  const usage = (globalThis as { process?: { cpuUsage?(): { user: number; system: number } } }).process?.cpuUsage?.()
  return usage === undefined ? Number.NaN : (usage.user + usage.system) / 1000
}

interface Run {
  /** Tasks per second. */
  readonly rate: number
  /** Process CPU time per task, µs. */
  readonly cpu: number
}

/** `tasks` echo messages over `workers` raw workers, all in flight at once. */
async function rawThroughput(): Promise<Run> {
  const pool = Array.from({ length: workers }, rawWorker)
  await Promise.all(pool.map((worker) => reply(worker, 0)))
  const c0 = cpuMs()
  const t0 = performance.now()
  await Promise.all(
    pool.map(
      (worker, index) =>
        new Promise<void>((resolve) => {
          const share = Math.ceil(tasks / workers) - (index < tasks % workers || tasks % workers === 0 ? 0 : 1)
          let left = share
          worker.onmessage = () => {
            if (--left === 0) resolve()
          }
          for (let i = 0; i < share; i++) worker.postMessage(i)
        }),
    ),
  )
  const run = { rate: tasks / ((performance.now() - t0) / 1000), cpu: ((cpuMs() - c0) * 1000) / tasks }
  for (const worker of pool) worker.terminate()
  return run
}

interface PoolLike {
  submit(fn: unknown, ...args: unknown[]): PromiseLike<unknown>
  shutdown(options?: unknown): Promise<unknown>
}

async function weftThroughput(): Promise<Run | undefined> {
  const ThreadPool = (weft as Record<string, unknown>).ThreadPool as (new (options: { maxWorkers: number }) => PoolLike) | undefined
  if (ThreadPool === undefined) return undefined
  const pool = new ThreadPool({ maxWorkers: workers })
  await Promise.all(Array.from({ length: workers * 4 }, (_, i) => pool.submit(echo, i)))
  const c0 = cpuMs()
  const t0 = performance.now()
  await Promise.all(Array.from({ length: tasks }, (_, i) => pool.submit(echo, i)))
  const run = { rate: tasks / ((performance.now() - t0) / 1000), cpu: ((cpuMs() - c0) * 1000) / tasks }
  await pool.shutdown()
  return run
}

// Warm up every path (module caches, JIT), then measure them taking turns.
const steady = rawWorker()
const startPaths = [() => rawRoundTrip(), () => weftRoundTrip(true), () => weftRoundTrip(false), () => rawRoundTrip(floorEntry)]
await interleaved(Math.min(5, rounds), startPaths)
await sample(() => rawMessage(steady))
const [raw, cold, spare, floor] = (await interleaved(rounds, startPaths)).map(median) as [number, number, number, number]
const message = median(await sample(() => rawMessage(steady)))
steady.terminate()

console.log(`Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} CPUs, ${rounds} rounds (medians)`)
printTable("Thread round trip vs raw Deno worker", [
  {
    name: "Thread start→join (spare worker)",
    weft: spare,
    baseline: raw,
    format: us,
    target: "baseline: new Worker + postMessage round trip",
  },
  {
    name: "Thread start→join (fresh worker)",
    weft: cold,
    baseline: raw,
    format: us,
    target: "baseline: new Worker + postMessage round trip",
  },
  // Where the fresh row's time goes: loading weft's code (the floor), then weft's start protocol.
  {
    name: "  of which: a bare worker loading @weft/deno + the task module",
    weft: floor,
    baseline: raw,
    format: us,
    target: "informational: the floor of any fresh thread",
  },
  {
    name: "  of which: weft's start protocol (fresh over that floor)",
    weft: cold,
    baseline: floor,
    format: us,
    target: "informational",
  },
  {
    name: "Thread start→join (spare worker)",
    weft: spare,
    baseline: message,
    format: us,
    target: "baseline: postMessage round trip to a running worker",
  },
])

// Each side runs once to warm up (JIT, module caches), as above; then the two take turns, and
// the medians count: a single run swung between 0.6x and 3x with the load of a shared machine
// and with how far the JIT had got.
const throughputRounds = Math.min(5, rounds)
await rawThroughput()
const rawRuns: Run[] = []
const poolRuns: Run[] = []
let hasPool = (await weftThroughput()) !== undefined
for (let i = 0; i < throughputRounds && hasPool; i++) {
  rawRuns.push(await rawThroughput())
  const run = await weftThroughput()
  if (run === undefined) hasPool = false
  else poolRuns.push(run)
}
if (!hasPool) {
  const raw = await rawThroughput()
  console.log(
    `\nThreadPool is not in @weft/core yet: pool row skipped (raw: ${raw.rate.toFixed(0)} echo messages/s over ${workers} workers)`,
  )
} else {
  const perSecond = (n: number) => `${n.toFixed(0)}/s`
  const cpuPerTask = (n: number) => `${n.toFixed(1)} µs`
  printTable(`Pool of ${workers}: ${tasks} tiny tasks in flight at once (medians of ${throughputRounds} rounds)`, [
    {
      name: "ThreadPool.submit vs raw postMessage",
      weft: median(poolRuns.map((run) => run.rate)),
      baseline: median(rawRuns.map((run) => run.rate)),
      format: perSecond,
      target: "higher is better",
    },
    {
      name: "process CPU per task (all threads), weft vs raw",
      weft: median(poolRuns.map((run) => run.cpu)),
      baseline: median(rawRuns.map((run) => run.cpu)),
      format: cpuPerTask,
      target: "lower is better",
    },
  ])
}
