// Under Deno: a Thread round trip and (when core has it) a pool of tiny tasks, against raw
// `new Worker` + `postMessage` to a Deno worker measured in the same run. Prints ratios.
// Run through deno.bench.mjs (`npm run bench deno`).
import * as weft from "../packages/deno/dist/index.js"
import { Thread } from "../packages/deno/dist/index.js"
import { echo } from "./deno.bench.tasks.ts"
import { median, printTable, us } from "./report.mjs"

const rawEntry = new URL("./deno.bench.raw-worker.js", import.meta.url)
const rounds = Number(Deno.env.get("ROUNDS") ?? 40)
const tasks = Number(Deno.env.get("TASKS") ?? 20_000)
const workers = 2

function rawWorker(): Worker {
  return new Worker(rawEntry, { type: "module" })
}

function reply(worker: Worker, message: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    worker.onmessage = (event) => resolve(event.data)
    worker.postMessage(message)
  })
}

/** Spawn a worker, one message there and back, terminate: what a Thread does, by hand. */
async function rawRoundTrip(): Promise<number> {
  const t0 = performance.now()
  const worker = rawWorker()
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

/** `rounds` timings, with a pause between them (not timed): a thread started by an otherwise idle program. */
async function sample(fn: () => Promise<number>): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < rounds; i++) {
    out.push(await fn())
    await new Promise((resolve) => setTimeout(resolve, 80))
  }
  return out
}

/** `tasks` echo messages over `workers` raw workers, all in flight at once: tasks per second. */
async function rawThroughput(): Promise<number> {
  const pool = Array.from({ length: workers }, rawWorker)
  await Promise.all(pool.map((worker) => reply(worker, 0)))
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
  const rate = tasks / ((performance.now() - t0) / 1000)
  for (const worker of pool) worker.terminate()
  return rate
}

interface PoolLike {
  submit(fn: unknown, ...args: unknown[]): PromiseLike<unknown>
  shutdown(options?: unknown): Promise<unknown>
}

async function weftThroughput(): Promise<number | undefined> {
  const ThreadPool = (weft as Record<string, unknown>).ThreadPool as (new (options: { maxWorkers: number }) => PoolLike) | undefined
  if (ThreadPool === undefined) return undefined
  const pool = new ThreadPool({ maxWorkers: workers })
  await Promise.all(Array.from({ length: workers * 4 }, (_, i) => pool.submit(echo, i)))
  const t0 = performance.now()
  await Promise.all(Array.from({ length: tasks }, (_, i) => pool.submit(echo, i)))
  const rate = tasks / ((performance.now() - t0) / 1000)
  await pool.shutdown()
  return rate
}

// Warm up every path (module caches, JIT), then measure them in turn.
const steady = rawWorker()
await sample(rawRoundTrip)
await sample(() => weftRoundTrip(false))
await sample(() => rawMessage(steady))
const raw = median(await sample(rawRoundTrip))
const spare = median(await sample(() => weftRoundTrip(false)))
const cold = median(await sample(() => weftRoundTrip(true)))
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
  {
    name: "Thread start→join (spare worker)",
    weft: spare,
    baseline: message,
    format: us,
    target: "baseline: postMessage round trip to a running worker",
  },
])

// Each side runs once to warm up (JIT, module caches), as above, then once measured.
await rawThroughput()
const rawRate = await rawThroughput()
await weftThroughput()
const poolRate = await weftThroughput()
if (poolRate === undefined) {
  console.log(
    `\nThreadPool is not in @weft/core yet: pool row skipped (raw: ${rawRate.toFixed(0)} echo messages/s over ${workers} workers)`,
  )
} else {
  const perSecond = (n: number) => `${n.toFixed(0)}/s`
  printTable(`Pool of ${workers}: ${tasks} tiny tasks in flight at once`, [
    { name: "ThreadPool.submit vs raw postMessage", weft: poolRate, baseline: rawRate, format: perSecond, target: "higher is better" },
  ])
}
