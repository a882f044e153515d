// Thread start-to-first-run and a whole Thread round trip, against a raw `new Worker` +
// `postMessage` measured in the same run. Prints ratios; asserts nothing.
import { Worker } from "node:worker_threads"
import { Thread } from "@weft/node"
import { echo, raiseFlag } from "./thread-tasks.mjs"
import { median, printTable, size, us } from "./report.mjs"

const rawEntry = new URL("./raw-thread-worker.mjs", import.meta.url)
const floorEntry = new URL("./thread-floor-worker.mjs", import.meta.url)
const rounds = Number(process.env.ROUNDS ?? 40)

function rawStartToRun(entry = rawEntry) {
  const flags = new Int32Array(new SharedArrayBuffer(4))
  const t0 = performance.now()
  const worker = new Worker(entry, { workerData: { flags } })
  // Bounded: a worker that fails to load never raises the flag.
  if (Atomics.wait(flags, 0, 0, 30_000) === "timed-out") throw new Error(`${entry} did not raise its flag within 30 s`)
  const elapsed = performance.now() - t0
  return worker.terminate().then(() => elapsed)
}

async function weftStartToRun(cold = false) {
  const flags = new Int32Array(new SharedArrayBuffer(4))
  const t0 = performance.now()
  // Per-runtime options always get a fresh worker: the cold path, without the spare.
  const thread = new Thread({ target: raiseFlag, args: [flags], ...(cold ? { node: {} } : {}) })
  thread.start()
  Atomics.wait(flags, 0, 0)
  const elapsed = performance.now() - t0
  await thread.join()
  return elapsed
}

function rawRoundTrip() {
  const t0 = performance.now()
  const worker = new Worker(rawEntry)
  return new Promise((resolve) => {
    worker.once("message", () => {
      const elapsed = performance.now() - t0
      worker.terminate().then(() => resolve(elapsed))
    })
    worker.postMessage({ value: 42 })
  })
}

async function weftRoundTrip() {
  const t0 = performance.now()
  const thread = new Thread({ target: echo, args: [{ value: 42 }] })
  thread.start()
  await thread.join()
  return performance.now() - t0
}

/** `count` threads started at once: only the first can take the spare. */
async function burst(count, startOne) {
  const t0 = performance.now()
  await Promise.all(Array.from({ length: count }, startOne))
  return performance.now() - t0
}

function rawOne() {
  return new Promise((resolve) => {
    const worker = new Worker(rawEntry)
    worker.once("message", () => worker.terminate().then(resolve))
    worker.postMessage(1)
  })
}

function weftOne() {
  const thread = new Thread({ target: echo, args: [1] })
  thread.start()
  return thread.join()
}

async function sample(fn) {
  const out = []
  for (let i = 0; i < rounds; i++) out.push(await fn())
  return out
}

// Warm up both paths (module caches, JIT), then interleave measurements.
await sample(rawRoundTrip)
await sample(weftRoundTrip)
const raw = { start: [], trip: [], burst: [] }
const weft = { start: [], cold: [], floor: [], trip: [], burst: [] }
// A pause (not timed) after each measure: taking the spare boots its replacement in the
// background, and without the pause that boot shares the CPUs with whichever measure comes next,
// raw or weft. deno.bench.ts and the browser page pause the same way.
const pause = () => new Promise((resolve) => setTimeout(resolve, 100))
const measure = async (into, fn) => {
  into.push(await fn())
  await pause()
}
for (let i = 0; i < rounds; i++) {
  await measure(raw.start, rawStartToRun)
  await measure(weft.start, () => weftStartToRun())
  await measure(weft.cold, () => weftStartToRun(true))
  await measure(weft.floor, () => rawStartToRun(floorEntry))
  await measure(raw.trip, rawRoundTrip)
  await measure(weft.trip, weftRoundTrip)
}
for (let i = 0; i < Math.max(size(5, 1), rounds / 8); i++) {
  await measure(raw.burst, () => burst(8, rawOne))
  await measure(weft.burst, () => burst(8, weftOne))
}

const format = (ms) => us(ms)
printTable(`Thread vs raw worker_threads (median of ${rounds}, Node ${process.version})`, [
  { name: "start → first run (spare worker)", weft: median(weft.start), baseline: median(raw.start), format, target: "≤ 1.1×" },
  { name: "start → first run (cold: fresh worker)", weft: median(weft.cold), baseline: median(raw.start), format, target: "≤ 1.1×" },
  // Where the cold row's time goes: loading weft's code (the floor), then weft's start protocol.
  {
    name: "  of which: a bare worker loading @weft/node + the task module",
    weft: median(weft.floor),
    baseline: median(raw.start),
    format,
    target: "informational: the floor of any cold start",
  },
  {
    name: "  of which: weft's start protocol (cold over that floor)",
    weft: median(weft.cold),
    baseline: median(weft.floor),
    format,
    target: "informational",
  },
  { name: "round trip (start → join)", weft: median(weft.trip), baseline: median(raw.trip), format, target: "≤ 1.1×" },
  { name: "8 threads at once (start → all joined)", weft: median(weft.burst), baseline: median(raw.burst), format, target: "≤ 1.1×" },
])
