// Streaming (#17): weft's pool.stream against a hand-written raw stream (stream-raw-worker.mjs: the
// same generator in a worker, values posted in batches within a credit window), same run.
//   throughput  1,000,000 small values from one worker          target ≥ 0.8× raw
//   memory      peak RSS of a slow consumer at two highWaterMarks (each in its own process)
//   latency     first value after start, and per value for a slow consumer, against a raw
//               postMessage round trip                               target ≤ 1.1×
// Prints ratio tables; asserts nothing. ROUNDS=n changes the repetitions; WEFT_BENCH_SMOKE=1
// shrinks everything to prove the bench runs.
//   node bench/stream.bench.mjs            taskset -c 0 node bench/stream.bench.mjs (one vCPU)
import { spawnSync } from "node:child_process"
import { loadavg } from "node:os"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"
import { ThreadPool } from "@weft/node"
import { median, printTable, us } from "./report.mjs"
import { chunks, numbers } from "./stream-tasks.mjs"

const here = fileURLToPath(import.meta.url)
const rawFile = new URL("./stream-raw-worker.mjs", import.meta.url)
const smoke = process.env.WEFT_BENCH_SMOKE === "1"
const ROUNDS = Number(process.env.ROUNDS ?? (smoke ? 1 : 3))
const VALUES = smoke ? 10_000 : 1_000_000
/** weft's default highWaterMark, and a wider window; each is compared with a raw stream of the same window. */
const DEFAULT_WINDOW = 64
const WIDE_WINDOW = 1024
const LATENCY_SAMPLES = smoke ? 20 : 400
const SLOW_VALUES = smoke ? 20 : 400
const RSS_VALUES = smoke ? 200 : 3000
const RSS_BYTES = 64 * 1024
const RSS_WINDOWS = [16, 1024]

/**
 * A raw stream over one worker: an async iterator that grants credits back as it reads, half a
 * window at a time; the worker sends what its credits allow in one batch.
 */
class RawStreams {
  constructor() {
    this.worker = new Worker(rawFile)
    this.onMessage = undefined
    this.worker.on("message", (message) => this.onMessage?.(message))
  }

  /** Streams a generator in the worker; yields its values one by one. */
  async *stream(start) {
    const buffered = []
    let done = false
    let wake
    this.onMessage = (message) => {
      for (const value of message.values) buffered.push(value)
      if (message.done) done = true
      wake?.()
    }
    const window = start.window ?? DEFAULT_WINDOW
    const grantSize = Math.max(1, window >> 1)
    this.worker.postMessage({ start: { batch: window, window, ...start } })
    let consumed = 0
    let index = 0
    for (;;) {
      while (index === buffered.length) {
        if (done) return
        // Drop what was read, then park until the next batch.
        buffered.length = 0
        index = 0
        await new Promise((resolve) => (wake = resolve))
        wake = undefined
      }
      const value = buffered[index]
      buffered[index++] = undefined
      if (++consumed === grantSize) {
        this.worker.postMessage({ credit: consumed })
        consumed = 0
      }
      yield value
    }
  }

  /** One postMessage round trip to the worker and back. */
  echo() {
    return new Promise((resolve) => {
      this.onMessage = resolve
      this.worker.postMessage({ echo: 1 })
    })
  }

  close() {
    return this.worker.terminate()
  }
}

/** Busy for `ms`: a consumer that does some work per value. */
function spin(ms) {
  const end = performance.now() + ms
  while (performance.now() < end);
}

async function drain(values) {
  let count = 0
  for await (const _ of values) count++
  return count
}

/** Values per second through `open()`'s stream of VALUES numbers. */
async function throughput(open) {
  const t0 = performance.now()
  const count = await drain(open())
  const elapsed = performance.now() - t0
  if (count !== VALUES) throw new Error(`expected ${VALUES} values, got ${count}`)
  return (count / elapsed) * 1000
}

/** Milliseconds from asking for a one-value stream to holding its value (then it is drained). */
async function firstValue(open) {
  const t0 = performance.now()
  const values = open()
  const first = await values.next()
  const elapsed = performance.now() - t0
  if (first.done) throw new Error("the stream ended before its first value")
  if (!(await values.next()).done) throw new Error("a one-value stream went on")
  return elapsed
}

/** Adds to `samples` the milliseconds a slow consumer (0.1 ms of work per value) waits in each next() after the first. */
async function slowConsumerWaits(open, samples) {
  const values = open()
  for (let i = 0; i < SLOW_VALUES; i++) {
    const t0 = performance.now()
    const step = await values.next()
    if (i > 0) samples.push(performance.now() - t0)
    if (step.done) throw new Error("the stream ended early")
    spin(0.1)
  }
  await values.return?.()
}

/** In a child process: consume a stream of 64 KiB values slowly and print the peak RSS in bytes. */
async function rssChild(kind, window) {
  const open = () => {
    if (kind === "weft") {
      const pool = new ThreadPool({ maxWorkers: 1 })
      return {
        values: pool.run(chunks, { args: [RSS_VALUES, RSS_BYTES], stream: true, highWaterMark: window }),
        close: () => pool.shutdown(),
      }
    }
    const raw = new RawStreams()
    return { values: raw.stream({ kind: "chunks", count: RSS_VALUES, bytes: RSS_BYTES, window }), close: () => raw.close() }
  }
  const { values, close } = open()
  let count = 0
  for await (const chunk of values) {
    if (chunk.byteLength !== RSS_BYTES) throw new Error("a chunk lost its bytes")
    count++
    // The slow consumer: the producer is far faster, so only the window bounds what piles up.
    spin(0.1)
    await new Promise((resolve) => setImmediate(resolve))
  }
  await close()
  if (count !== RSS_VALUES) throw new Error(`expected ${RSS_VALUES} chunks, got ${count}`)
  process.stdout.write(`${JSON.stringify({ maxRss: process.resourceUsage().maxRSS * 1024 })}\n`)
}

function peakRss(kind, window) {
  const child = spawnSync(process.execPath, [here, `--rss=${kind}`, `--window=${window}`], { encoding: "utf8" })
  if (child.status !== 0) throw new Error(`rss child ${kind} ${window} failed: ${child.stderr}`)
  return JSON.parse(child.stdout.trim().split("\n").pop()).maxRss
}

async function main() {
  const pool = new ThreadPool({ maxWorkers: 1 })
  const raw = new RawStreams()
  const opens = {
    weft: () => pool.stream(numbers, VALUES),
    raw: () => raw.stream({ kind: "numbers", count: VALUES, window: DEFAULT_WINDOW }),
    weftWide: () => pool.run(numbers, { args: [VALUES], stream: true, highWaterMark: WIDE_WINDOW }),
    rawWide: () => raw.stream({ kind: "numbers", count: VALUES, window: WIDE_WINDOW }),
  }
  // One-value streams: each ends by itself, so the next starts on an idle worker.
  const single = {
    weft: () => pool.run(numbers, { args: [1], stream: true, highWaterMark: 1 }),
    raw: () => raw.stream({ kind: "numbers", count: 1, window: 1, batch: 1 }),
  }

  // Warm up both paths (module caches, JIT).
  for (const open of Object.values(opens)) await throughput(open)

  const rate = { weft: [], raw: [], weftWide: [], rawWide: [] }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, open] of Object.entries(opens)) rate[name].push(await throughput(open))
  }

  const latency = { first: [], rawFirst: [], slow: [], rawSlow: [] }
  const echoMs = []
  // Interleaved so that each measure finds its worker idle for about as long (waking an idle
  // worker is most of a first value's latency): the echo's worker rested while weft's ran.
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    latency.first.push(await firstValue(single.weft))
    const t0 = performance.now()
    await raw.echo()
    echoMs.push(performance.now() - t0)
    latency.rawFirst.push(await firstValue(single.raw))
  }
  for (let round = 0; round < ROUNDS; round++) {
    await slowConsumerWaits(() => pool.run(numbers, { args: [Number.POSITIVE_INFINITY], stream: true, highWaterMark: 1 }), latency.slow)
    await slowConsumerWaits(() => raw.stream({ kind: "numbers", count: SLOW_VALUES, window: 1, batch: 1 }), latency.rawSlow)
  }
  await pool.shutdown()
  await raw.close()

  const perSecond = (v) => `${(v / 1e6).toFixed(2)} M/s`
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")
  printTable(
    `Streaming ${VALUES.toLocaleString("en")} numbers from one worker (median of ${ROUNDS}, Node ${process.version}, load ${load})`,
    [
      {
        name: `values/s, default highWaterMark vs raw window ${DEFAULT_WINDOW}`,
        weft: median(rate.weft),
        baseline: median(rate.raw),
        format: perSecond,
        target: "≥ 0.8×",
        source: "#17",
      },
      {
        name: `values/s, highWaterMark ${WIDE_WINDOW} vs raw window ${WIDE_WINDOW}`,
        weft: median(rate.weftWide),
        baseline: median(rate.rawWide),
        format: perSecond,
        target: "≥ 0.8×",
        source: "#17",
      },
      {
        name: `values/s, default highWaterMark vs raw window ${WIDE_WINDOW} (for reference)`,
        weft: median(rate.weft),
        baseline: median(rate.rawWide),
        format: perSecond,
        target: "",
      },
    ],
  )
  printTable(
    `Stream latency vs a raw postMessage round trip (medians: ${LATENCY_SAMPLES} starts, ${ROUNDS} × ${SLOW_VALUES - 1} slow reads)`,
    [
      {
        name: "first value after start",
        weft: median(latency.first),
        baseline: median(echoMs),
        format: us,
        target: "≤ 1.1×",
        source: "#17",
      },
      {
        name: "raw stream's first value (for reference)",
        weft: median(latency.rawFirst),
        baseline: median(echoMs),
        format: us,
        target: "",
      },
      {
        name: "per value, slow consumer, highWaterMark 1",
        weft: median(latency.slow),
        baseline: median(echoMs),
        format: us,
        target: "≤ 1.1×",
        source: "#17",
      },
      {
        name: "raw stream per value, slow consumer, window 1 (for reference)",
        weft: median(latency.rawSlow),
        baseline: median(echoMs),
        format: us,
        target: "",
      },
    ],
  )

  const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`
  const rows = []
  for (const window of RSS_WINDOWS) {
    const weft = []
    const rawRss = []
    for (let round = 0; round < ROUNDS; round++) {
      weft.push(peakRss("weft", window))
      rawRss.push(peakRss("raw", window))
    }
    rows.push({
      name: `peak RSS, highWaterMark ${window} vs raw window ${window}`,
      weft: median(weft),
      baseline: median(rawRss),
      format: mb,
      target: "",
    })
  }
  printTable(`Peak RSS of a slow consumer of ${RSS_VALUES} values of ${RSS_BYTES / 1024} KiB (whole process, median of ${ROUNDS})`, rows)
}

const rssArg = process.argv.find((arg) => arg.startsWith("--rss="))
if (rssArg !== undefined) {
  const window = Number(process.argv.find((arg) => arg.startsWith("--window="))?.slice("--window=".length))
  await rssChild(rssArg.slice("--rss=".length), window)
} else {
  await main()
}
