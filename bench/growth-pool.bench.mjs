// How the pool's per-task cost grows, for weft's ThreadPool, piscina and tinypool in the same run:
//  1. as maxWorkers grows (2, 8, 32, 128 workers on a 2-core machine: oversubscribed, so this is
//     the dispatcher's cost per task, not speed-up), a flood of no-op tasks;
//  2. as the queue grows (1k, 100k, 1M no-op tasks submitted at once, so they wait), pool of 2;
//  3. cancelling tasks deep in that queue (the newest 1%, at most 1,000), per cancel: an abort
//     signal for all three (the same submission as 2), and Future.cancel() for weft.
// A flat curve (ratio to the smallest size ~1) means O(1) per task. Prints tables; asserts
// only that results are right.   node bench/growth-pool.bench.mjs   (ROUNDS=n; WEFT_BENCH_SMOKE=1)
import { loadavg } from "node:os"
import { Piscina } from "piscina"
import { Tinypool } from "tinypool"
import { ThreadPool } from "@weft/node"
import { noop } from "./pool-tasks.mjs"
import { median, printColumns, record, size } from "./report.mjs"

const anchorFile = new URL("./pool-anchor-worker.mjs", import.meta.url).href
const ROUNDS = Number(process.env.ROUNDS ?? size(3, 1))
const WORKERS = size([2, 8, 32, 128], [2, 4])
const WORKERS_FLOOD = size(20_000, 200)
const QUEUES = size([1_000, 100_000, 1_000_000], [100, 1_000])
/** PEERS_MAX_QUEUE=n: piscina and tinypool skip larger queues (their O(n) cancel makes 1M take minutes on a busy machine). */
const PEERS_MAX_QUEUE = Number(process.env.PEERS_MAX_QUEUE ?? Infinity)
/** How many of the newest queued tasks are cancelled (deepest in the queue): 1%, at most 1,000. */
const cancelCount = (queued) => Math.max(1, Math.min(1_000, queued / 100))

/** Uniform faces: run(arg, signal?) → promise, future(arg)?, close(). */
const contenders = {
  weft: (workers) => {
    // 128 workers on a busy 2-core machine can take longer than the default 5 s to exit.
    const pool = new ThreadPool({ maxWorkers: workers, terminateTimeout: 60_000 })
    return {
      run: (arg, signal) => (signal ? pool.run(noop, { args: [arg], signal }) : pool.submit(noop, arg)),
      future: (arg) => pool.submit(noop, arg),
      close: () => pool.shutdown(),
    }
  },
  piscina: (workers) => {
    const pool = new Piscina({ filename: anchorFile, minThreads: workers, maxThreads: workers })
    return { run: (arg, signal) => pool.run({ fn: "noop", arg }, signal ? { signal } : undefined), close: () => pool.destroy() }
  },
  tinypool: (workers) => {
    const pool = new Tinypool({ filename: anchorFile, minThreads: workers, maxThreads: workers })
    return { run: (arg, signal) => pool.run({ fn: "noop", arg }, signal ? { signal } : undefined), close: () => pool.destroy() }
  },
}
const names = Object.keys(contenders)

/** Every worker started and the JIT warm: a few floods. */
async function warm(pool, workers) {
  for (let round = 0; round < size(2, 1); round++) await flood(pool, size(Math.max(2_000, workers * 20), workers * 10))
}

/** `count` no-op tasks submitted at once, then all awaited: µs per task. */
async function flood(pool, count) {
  const all = new Array(count)
  const t0 = performance.now()
  for (let i = 0; i < count; i++) all[i] = pool.run(i)
  const values = await Promise.all(all)
  const elapsed = performance.now() - t0
  if (values[count - 1] !== count - 1) throw new Error("wrong result")
  return (elapsed * 1000) / count
}

/**
 * `queued` tasks submitted at once; the newest `cancelCount` of them (the deepest in the queue)
 * are then cancelled, one by one, `how`: by an abort signal or Future.cancel(). The rest must
 * complete. Returns µs per cancel and µs per task (submitting and running all, cancels not counted).
 */
async function queueAndCancel(pool, queued, how) {
  const cancels = cancelCount(queued)
  const all = new Array(queued)
  const handles = []
  const t0 = performance.now()
  for (let i = 0; i < queued; i++) {
    if (i < queued - cancels) all[i] = pool.run(i)
    else if (how === "future") {
      const future = pool.future(i)
      handles.push(() => future.cancel())
      all[i] = future.then(
        () => "ran",
        () => "cancelled",
      )
    } else {
      const controller = new AbortController()
      handles.push(() => controller.abort())
      all[i] = pool.run(i, controller.signal).then(
        () => "ran",
        () => "cancelled",
      )
    }
  }
  const t1 = performance.now()
  for (const cancel of handles) cancel()
  const t2 = performance.now()
  const values = await Promise.all(all)
  const t3 = performance.now()
  if (values[queued - cancels - 1] !== queued - cancels - 1) throw new Error("wrong result")
  if (values.slice(queued - cancels).some((v) => v !== "cancelled")) throw new Error("a deep task ran although it was cancelled")
  return { cancel: ((t2 - t1) * 1000) / cancels, task: ((t1 - t0 + t3 - t2) * 1000) / queued }
}

/** A long run says where it is (on stderr, so the tables stay clean). */
const progress = (what) => process.stderr.write(`growth-pool: ${what}\n`)

const load = [loadavg()[0]]
const samples = { workers: {}, queue: {}, abort: {}, cancel: {} }
for (const curve of Object.keys(samples)) for (const name of names) samples[curve][name] = {}
const keep = (curve, name, at, value) => (samples[curve][name][at] ??= []).push(value)

for (let round = 0; round < ROUNDS; round++) {
  // Contenders interleaved within each round, so all see the same machine load.
  for (const workers of WORKERS) {
    progress(`round ${round + 1}/${ROUNDS}: maxWorkers ${workers}`)
    for (const name of names) {
      const pool = contenders[name](workers)
      await warm(pool, workers)
      keep("workers", name, workers, await flood(pool, WORKERS_FLOOD))
      await pool.close()
    }
  }
  for (const name of names) {
    const pool = contenders[name](2)
    await warm(pool, 2)
    for (const queued of QUEUES) {
      if (name !== "weft" && queued > PEERS_MAX_QUEUE) continue
      progress(`round ${round + 1}/${ROUNDS}: ${name}, ${queued.toLocaleString("en")} queued`)
      const signalled = await queueAndCancel(pool, queued, "signal")
      keep("queue", name, queued, signalled.task)
      keep("abort", name, queued, signalled.cancel)
      if (pool.future) keep("cancel", name, queued, (await queueAndCancel(pool, queued, "future")).cancel)
    }
    await pool.close()
  }
  load.push(loadavg()[0])
}

const fmtUs = (v) => (v < 10 ? v.toFixed(2) : v.toFixed(1))
/** One table per curve: per-task cost of each contender at each size, and its ratio to the smallest size. */
function curve(key, title, sizeLabel, sizes, unit, goal) {
  const present = names.filter((name) => Object.keys(samples[key][name]).length > 0)
  const cost = (name, at) => (samples[key][name][at] ? median(samples[key][name][at]) : Number.NaN)
  const header = [sizeLabel, ...present.flatMap((name) => [`${name} ${unit}`, "× smallest"])]
  const lines = sizes.map((at) => [
    at.toLocaleString("en"),
    ...present.flatMap((name) =>
      Number.isNaN(cost(name, at)) ? ["—", "—"] : [fmtUs(cost(name, at)), `${(cost(name, at) / cost(name, sizes[0])).toFixed(2)}×`],
    ),
  ])
  console.log(`\n${title}`)
  printColumns(header, lines)
  for (const name of present) {
    const last = sizes.findLast((at) => !Number.isNaN(cost(name, at)))
    const growth = cost(name, last) / cost(name, sizes[0])
    record({
      table: title,
      name: `${name}: ${key} curve, ${last.toLocaleString("en")} vs ${sizes[0].toLocaleString("en")}`,
      ratio: growth,
      target: name === "weft" ? goal : "",
      source: name === "weft" ? "#16" : undefined,
    })
  }
  const last = sizes.findLast((at) => !Number.isNaN(cost("piscina", at)))
  if (present.includes("piscina")) {
    record({
      table: title,
      name: `weft vs piscina at ${last.toLocaleString("en")} (${key})`,
      ratio: cost("weft", last) / cost("piscina", last),
      target: "≤ 1× (piscina)",
      source: "DESIGN",
    })
  }
}

console.log(
  `\nPool growth curves: medians of ${ROUNDS} rounds, Node ${process.version}; load average ${load.map((l) => l.toFixed(1)).join(" → ")} (start → after each round)`,
)
curve(
  "workers",
  `Per-task cost as maxWorkers grows (${WORKERS_FLOOD.toLocaleString("en")} no-op tasks at once)`,
  "maxWorkers",
  WORKERS,
  "µs/task",
  "≤ 1.5× (flat: O(1) dispatch)",
)
curve(
  "queue",
  "Per-task cost as the queue grows (that many no-op tasks submitted at once, pool of 2; submit → last result, the cancels of 3 not counted)",
  "tasks queued",
  QUEUES,
  "µs/task",
  "≤ 1.5× (flat: O(1) dispatch)",
)
curve(
  "abort",
  `Cancelling the newest tasks of a queue of that size by AbortSignal (${cancelCount(QUEUES[0])}–${cancelCount(QUEUES.at(-1))} cancels)`,
  "tasks queued",
  QUEUES,
  "µs/cancel",
  "≤ 1.5× (flat: O(1) cancel)",
)
curve(
  "cancel",
  "Cancelling the newest tasks of a queue of that size by Future.cancel() (weft only)",
  "tasks queued",
  QUEUES,
  "µs/cancel",
  "≤ 1.5× (flat: O(1) cancel)",
)
