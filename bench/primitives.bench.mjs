// Primitives against raw baselines measured in the same run; prints ratios, asserts nothing.
//  - uncontended Lock.acquireSync + release vs a bare compare-and-swap lock
//  - counter++ under Lock in 2 workers vs the same under a bare futex mutex
//  - lock hand-off latency between two threads vs an Atomics.wait/notify ping-pong
//  - Queue items/s to a worker vs raw postMessage to a worker
import { Worker } from "node:worker_threads"
import { Lock, Queue, Thread } from "@weft/node"
import { drain, lockedIncrements, lockPong } from "./primitive-tasks.mjs"
import { printTable, size } from "./report.mjs"
import { arrivals, makeGate, open } from "./gate.mjs"

const rawEntry = new URL("./raw-primitive-worker.mjs", import.meta.url)
const ns = (ms) => `${(ms * 1e6).toFixed(1)} ns`
const perSec = (v) => `${Math.round(v).toLocaleString("en")}/s`
const usFmt = (ms) => `${(ms * 1000).toFixed(1)} µs`

function best(fn, rounds = size(5, 1)) {
  let min = Infinity
  for (let i = 0; i < rounds; i++) min = Math.min(min, fn())
  return min
}

// 1. uncontended
const N = size(2_000_000, 20_000)
const lock = new Lock()
const cas = new Int32Array(new SharedArrayBuffer(4))
const weftUncontended = best(() => {
  const t0 = performance.now()
  for (let i = 0; i < N; i++) {
    lock.acquireSync()
    lock.release()
  }
  return (performance.now() - t0) / N
})
const rawUncontended = best(() => {
  const t0 = performance.now()
  for (let i = 0; i < N; i++) {
    while (Atomics.compareExchange(cas, 0, 0, 1) !== 0);
    Atomics.store(cas, 0, 0)
  }
  return (performance.now() - t0) / N
})

// 2. contended counter, 2 workers; timed from when both are up (start-up is not the lock's cost)
const TIMES = size(2_000_000, 20_000)
async function weftCounter() {
  const l = new Lock()
  const counter = new Int32Array(new SharedArrayBuffer(4))
  const gate = makeGate()
  const threads = [0, 1].map(() => {
    const t = new Thread({ target: lockedIncrements, args: [l, counter, TIMES, gate] })
    t.start()
    return t
  })
  await arrivals(gate, 2)
  const t0 = performance.now()
  open(gate)
  await Promise.all(threads.map((t) => t.join()))
  if (counter[0] !== 2 * TIMES) throw new Error(`lost updates: ${counter[0]}`)
  return (2 * TIMES) / ((performance.now() - t0) / 1000)
}
async function rawCounter() {
  const words = new Int32Array(new SharedArrayBuffer(4))
  const counter = new Int32Array(new SharedArrayBuffer(4))
  const gate = makeGate()
  const workers = [0, 1].map(() => new Worker(rawEntry, { workerData: { kind: "futex", words, counter, times: TIMES, gate } }))
  const done = Promise.all(workers.map((w) => new Promise((resolve) => w.once("message", resolve))))
  await arrivals(gate, 2)
  const t0 = performance.now()
  open(gate)
  await done
  const rate = (2 * TIMES) / ((performance.now() - t0) / 1000)
  await Promise.all(workers.map((w) => w.terminate()))
  if (counter[0] !== 2 * TIMES) throw new Error(`lost updates: ${counter[0]}`)
  return rate
}

// 3. hand-off latency (one round trip = two hand-offs); the first round waits for the worker to boot
const ROUNDS = size(20_000, 200)
async function weftHandoff() {
  const ping = new Lock()
  const pong = new Lock()
  ping.acquireSync()
  pong.acquireSync()
  const t = new Thread({ target: lockPong, args: [ping, pong, ROUNDS + 1] })
  t.start()
  ping.release()
  await pong.acquire()
  const t0 = performance.now()
  for (let i = 0; i < ROUNDS; i++) {
    ping.release()
    pong.acquireSync()
  }
  const elapsed = performance.now() - t0
  await t.join()
  return elapsed / ROUNDS
}
async function rawHandoff() {
  const flag = new Int32Array(new SharedArrayBuffer(4))
  const w = new Worker(rawEntry, { workerData: { kind: "pingpong", flag, rounds: ROUNDS + 1 } })
  const done = new Promise((resolve) => w.once("message", resolve))
  const round = () => {
    Atomics.store(flag, 0, 1)
    Atomics.notify(flag, 0)
    while (Atomics.load(flag, 0) !== 0) Atomics.wait(flag, 0, 1)
  }
  round() // waits for the worker to boot
  const t0 = performance.now()
  for (let i = 0; i < ROUNDS; i++) round()
  const elapsed = performance.now() - t0
  await done
  await w.terminate()
  return elapsed / ROUNDS
}

// 4. Queue throughput vs postMessage, from the first item the worker has taken
const ITEMS = size(200_000, 2_000)
async function weftQueue() {
  const q = new Queue({ maxsize: 1024 })
  await Queue.ready()
  const t = new Thread({ target: drain, args: [q, ITEMS + 1] })
  t.start()
  q.putSync({ n: 0 })
  while (!q.empty()) await new Promise((resolve) => setTimeout(resolve, 1))
  const t0 = performance.now()
  for (let i = 0; i < ITEMS; i++) q.putSync({ n: i })
  await t.join()
  return ITEMS / ((performance.now() - t0) / 1000)
}
async function rawMessages() {
  const w = new Worker(rawEntry, { workerData: { kind: "messages", count: ITEMS + 1 } })
  const ready = new Promise((resolve) => w.once("message", resolve))
  w.postMessage({ n: 0 })
  await ready
  const done = new Promise((resolve) => w.once("message", resolve))
  const t0 = performance.now()
  for (let i = 0; i < ITEMS; i++) w.postMessage({ n: i })
  await done
  const rate = ITEMS / ((performance.now() - t0) / 1000)
  await w.terminate()
  return rate
}

async function bestOf(fn, better, rounds = size(3, 1)) {
  let pick = better === "higher" ? -Infinity : Infinity
  for (let i = 0; i < rounds; i++) {
    const v = await fn()
    pick = better === "higher" ? Math.max(pick, v) : Math.min(pick, v)
  }
  return pick
}

const rows = [
  { name: "uncontended acquireSync+release", weft: weftUncontended, baseline: rawUncontended, format: ns, target: "≤ 2× (bare CAS lock)" },
  {
    name: "counter++ under Lock, 2 workers",
    weft: await bestOf(weftCounter, "higher"),
    baseline: await bestOf(rawCounter, "higher"),
    format: perSec,
    target: "≥ 0.8× (bare futex mutex)",
  },
  {
    name: "lock hand-off round trip",
    weft: await bestOf(weftHandoff, "lower"),
    baseline: await bestOf(rawHandoff, "lower"),
    format: usFmt,
    target: "≤ 1.2× (wait/notify ping-pong)",
  },
  {
    name: "Queue items to a worker",
    weft: await bestOf(weftQueue, "higher"),
    baseline: await bestOf(rawMessages, "higher"),
    format: perSec,
    target: "vs raw postMessage",
  },
]
printTable("Primitives (best of runs; ratio = weft / baseline)", rows)
