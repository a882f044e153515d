// How a hand-off costs as threads grow (2, 4, 8, 16 on a 2-core machine, so most wait):
//  - Lock: every thread does counter++ under one weft Lock; against the same under a bare futex
//    mutex in raw workers, same thread count, same run. Cost per acquisition.
//  - Queue: half the threads put small items on one weft Queue (maxsize 1024), half take them.
//    Cost per item.
// A flat curve (ratio to 2 threads ~1) means a hand-off does not get dearer with more waiters.
// Timed from when every thread is up (a gate), so thread start-up is not counted. Asserts only
// that no update or item is lost.   node bench/growth-primitives.bench.mjs   (ROUNDS=n)
import { loadavg } from "node:os"
import { Worker } from "node:worker_threads"
import { Lock, Queue, Thread } from "@weft/node"
import { arrivals, makeGate, open } from "./gate.mjs"
import { consume, produce } from "./growth-primitive-tasks.mjs"
import { lockedIncrements } from "./primitive-tasks.mjs"
import { median, printColumns, record, size } from "./report.mjs"

const rawEntry = new URL("./raw-primitive-worker.mjs", import.meta.url)
const ROUNDS = Number(process.env.ROUNDS ?? size(3, 1))
const THREADS = size([2, 4, 8, 16], [2, 4])
const ACQUISITIONS = size(800_000, 4_000) // in all, shared by the threads
const ITEMS = size(200_000, 2_000)

function started(target, args) {
  const thread = new Thread({ target, args })
  thread.start()
  return thread
}

/** ns per acquisition with `threads` weft threads on one Lock. */
async function weftLock(threads) {
  const lock = new Lock()
  const counter = new Int32Array(new SharedArrayBuffer(4))
  const gate = makeGate()
  const times = ACQUISITIONS / threads
  const all = Array.from({ length: threads }, () => started(lockedIncrements, [lock, counter, times, gate]))
  await arrivals(gate, threads)
  const t0 = performance.now()
  open(gate)
  await Promise.all(all.map((t) => t.join()))
  const elapsed = performance.now() - t0
  if (counter[0] !== ACQUISITIONS) throw new Error(`lost updates: ${counter[0]}`)
  return (elapsed * 1e6) / ACQUISITIONS
}

/** ns per acquisition with `threads` raw workers on a bare futex mutex. */
async function rawLock(threads) {
  const words = new Int32Array(new SharedArrayBuffer(4))
  const counter = new Int32Array(new SharedArrayBuffer(4))
  const gate = makeGate()
  const times = ACQUISITIONS / threads
  const workers = Array.from(
    { length: threads },
    () => new Worker(rawEntry, { workerData: { kind: "futex", words, counter, times, gate } }),
  )
  const done = Promise.all(workers.map((w) => new Promise((resolve) => w.once("message", resolve))))
  await arrivals(gate, threads)
  const t0 = performance.now()
  open(gate)
  await done
  const elapsed = performance.now() - t0
  await Promise.all(workers.map((w) => w.terminate()))
  if (counter[0] !== ACQUISITIONS) throw new Error(`lost updates: ${counter[0]}`)
  return (elapsed * 1e6) / ACQUISITIONS
}

/** µs per item through one weft Queue, threads/2 producers and threads/2 consumers. */
async function weftQueue(threads) {
  const queue = new Queue({ maxsize: 1024 })
  await Queue.ready()
  const gate = makeGate()
  const each = ITEMS / (threads / 2)
  const producers = Array.from({ length: threads / 2 }, () => started(produce, [queue, each, gate]))
  const consumers = Array.from({ length: threads / 2 }, () => started(consume, [queue, each, gate]))
  await arrivals(gate, threads)
  const t0 = performance.now()
  open(gate)
  const sums = await Promise.all([...producers, ...consumers].map((t) => t.join()))
  const elapsed = performance.now() - t0
  const taken = sums.slice(threads / 2).reduce((a, b) => a + b, 0)
  const put = (threads / 2) * ((each * (each - 1)) / 2)
  if (taken !== put) throw new Error(`items lost: took a sum of ${taken}, put ${put}`)
  return (elapsed * 1000) / ITEMS
}

const load = [loadavg()[0]]
const samples = { weftLock: {}, rawLock: {}, weftQueue: {} }
for (let round = 0; round < ROUNDS; round++) {
  for (const threads of THREADS) {
    ;(samples.rawLock[threads] ??= []).push(await rawLock(threads))
    ;(samples.weftLock[threads] ??= []).push(await weftLock(threads))
    ;(samples.weftQueue[threads] ??= []).push(await weftQueue(threads))
  }
  load.push(loadavg()[0])
}

const m = (key, threads) => median(samples[key][threads])
const growth = (key, threads) => m(key, threads) / m(key, THREADS[0])
const first = THREADS[0]
const last = THREADS.at(-1)
console.log(
  `\nHand-off cost as threads grow: medians of ${ROUNDS} rounds, Node ${process.version}; load average ${load.map((l) => l.toFixed(1)).join(" → ")} (start → after each round)`,
)
const lockTitle = `Lock: counter++ under one lock, ${ACQUISITIONS.toLocaleString("en")} acquisitions shared by the threads (ns per acquisition)`
console.log(`\n${lockTitle}`)
printColumns(
  ["threads", "weft ns", "× 2 threads", "raw futex ns", "× 2 threads", "weft / raw"],
  THREADS.map((t) => [
    t,
    m("weftLock", t).toFixed(0),
    `${growth("weftLock", t).toFixed(2)}×`,
    m("rawLock", t).toFixed(0),
    `${growth("rawLock", t).toFixed(2)}×`,
    `${(m("weftLock", t) / m("rawLock", t)).toFixed(2)}×`,
  ]),
)
const queueTitle = `Queue: half the threads put, half take, ${ITEMS.toLocaleString("en")} items in all, maxsize 1024 (µs per item)`
console.log(`\n${queueTitle}`)
printColumns(
  ["threads", "weft µs", "× 2 threads"],
  THREADS.map((t) => [t, m("weftQueue", t).toFixed(2), `${growth("weftQueue", t).toFixed(2)}×`]),
)
record({
  table: lockTitle,
  name: `Lock: weft curve, ${last} vs ${first} threads`,
  ratio: growth("weftLock", last),
  target: "",
  source: "#16",
})
record({ table: lockTitle, name: `Lock: raw futex curve, ${last} vs ${first} threads`, ratio: growth("rawLock", last), target: "" })
record({
  table: lockTitle,
  name: `Lock: weft vs raw futex at ${last} threads`,
  ratio: m("weftLock", last) / m("rawLock", last),
  target: "≤ 1.2× raw futex",
  source: "#16",
})
record({
  table: queueTitle,
  name: `Queue: weft curve, ${last} vs ${first} threads`,
  ratio: growth("weftQueue", last),
  target: "",
  source: "#16",
})
