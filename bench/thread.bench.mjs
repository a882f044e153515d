// Thread start-to-first-run and a whole Thread round trip, against a raw `new Worker` +
// `postMessage` measured in the same run. Prints ratios; asserts nothing.
import { Worker } from "node:worker_threads"
import { Thread } from "@weft/node"
import { echo, raiseFlag } from "./thread-tasks.mjs"
import { median, printTable, size, us } from "./report.mjs"

const rawEntry = new URL("./raw-thread-worker.mjs", import.meta.url)
const rounds = Number(process.env.ROUNDS ?? 40)

function rawStartToRun() {
  const flags = new Int32Array(new SharedArrayBuffer(4))
  const t0 = performance.now()
  const worker = new Worker(rawEntry, { workerData: { flags } })
  Atomics.wait(flags, 0, 0)
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
const weft = { start: [], cold: [], trip: [], burst: [] }
for (let i = 0; i < rounds; i++) {
  raw.start.push(await rawStartToRun())
  weft.start.push(await weftStartToRun())
  weft.cold.push(await weftStartToRun(true))
  raw.trip.push(await rawRoundTrip())
  weft.trip.push(await weftRoundTrip())
}
for (let i = 0; i < Math.max(size(5, 1), rounds / 8); i++) {
  raw.burst.push(await burst(8, rawOne))
  weft.burst.push(await burst(8, weftOne))
}

const format = (ms) => us(ms)
printTable(`Thread vs raw worker_threads (median of ${rounds}, Node ${process.version})`, [
  { name: "start → first run (spare worker)", weft: median(weft.start), baseline: median(raw.start), format, target: "≤ 1.1×" },
  { name: "start → first run (cold: fresh worker)", weft: median(weft.cold), baseline: median(raw.start), format, target: "≤ 1.1×" },
  { name: "round trip (start → join)", weft: median(weft.trip), baseline: median(raw.trip), format, target: "≤ 1.1×" },
  { name: "8 threads at once (start → all joined)", weft: median(weft.burst), baseline: median(raw.burst), format, target: "≤ 1.1×" },
])
