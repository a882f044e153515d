// How a hand-off costs as threads grow (2, 4, 8, 16 on a 2-core machine, so most wait):
//  - Lock: every thread does counter++ under one weft Lock; against the same under a bare futex
//    mutex in raw workers, same thread count, same run. Cost per acquisition.
//  - Queue: half the threads put small items on one weft Queue (maxsize 1024), half take them.
//    Cost per item.
// A flat curve (ratio to 2 threads ~1) means a hand-off does not get dearer with more waiters.
// Timed from when every thread is up, warmed up and waiting at a gate, to when every thread has
// reported the end of its share at a finish gate (threads exit after that): the total work is
// fixed, so a per-thread cost counted in the window (V8 optimizing the path in each new thread,
// a thread's exit) would grow the curve with the thread count by itself. The warm-up (the same
// loop on a lock of the thread's own, raw and weft alike) is printed as a per-thread figure.
// Asserts only that no update or item is lost.   node bench/growth-primitives.bench.mjs   (ROUNDS=n)
import { loadavg } from "node:os"
import { Worker } from "node:worker_threads"
import { Lock, Queue, Thread } from "@weft/node"
import { arrivals, makeGate, open } from "./gate.mjs"
import { consume, lockedIncrements, produce } from "./growth-primitive-tasks.mjs"
import { median, printColumns, record, size } from "./report.mjs"

const rawEntry = new URL("./raw-primitive-worker.mjs", import.meta.url)
const ROUNDS = Number(process.env.ROUNDS ?? size(3, 1))
const THREADS = size([2, 4, 8, 16], [2, 4])
const ACQUISITIONS = size(800_000, 4_000) // in all, shared by the threads
const ITEMS = size(200_000, 2_000)
/** Acquisitions (or items) each thread first does on its own lock (queue): V8 optimizes the path within ~10-30k. */
const WARM_UP = size(50_000, 100)

function started(target, args) {
  const thread = new Thread({ target, args })
  thread.start()
  return thread
}

/**
 * Opens `gate` and waits until `threads` have arrived at `finish`, then lets them go: the ms
 * between, and the ms of CPU the whole process used meanwhile (every thread's, and V8's own:
 * a figure the other work on a busy machine moves far less than the wall time).
 */
async function timed(gate, finish, threads) {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  open(gate)
  await arrivals(finish, threads)
  const elapsed = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  open(finish)
  return { elapsed, cpu: (cpu.user + cpu.system) / 1000 }
}

/** ns per acquisition with `threads` weft threads on one Lock, and the threads' warm-up ms. */
async function weftLock(threads) {
  const lock = new Lock()
  const counter = new Int32Array(new SharedArrayBuffer(4))
  const gate = makeGate()
  const finish = makeGate()
  const times = ACQUISITIONS / threads
  const all = Array.from({ length: threads }, () => started(lockedIncrements, [lock, counter, times, gate, finish, new Lock(), WARM_UP]))
  await arrivals(gate, threads)
  const { elapsed, cpu } = await timed(gate, finish, threads)
  const warmUps = await Promise.all(all.map((t) => t.join()))
  if (counter[0] !== ACQUISITIONS) throw new Error(`lost updates: ${counter[0]}`)
  return { ns: (elapsed * 1e6) / ACQUISITIONS, cpuNs: (cpu * 1e6) / ACQUISITIONS, warmUp: median(warmUps) }
}

/** ns per acquisition with `threads` raw workers on a bare futex mutex, and the workers' warm-up ms. */
async function rawLock(threads) {
  const words = new Int32Array(new SharedArrayBuffer(4))
  const counter = new Int32Array(new SharedArrayBuffer(4))
  const gate = makeGate()
  const finish = makeGate()
  const times = ACQUISITIONS / threads
  const workers = Array.from(
    { length: threads },
    () => new Worker(rawEntry, { workerData: { kind: "futex", words, counter, times, gate, finish, warmUp: WARM_UP } }),
  )
  const done = Promise.all(workers.map((w) => new Promise((resolve) => w.once("message", resolve))))
  await arrivals(gate, threads)
  const { elapsed, cpu } = await timed(gate, finish, threads)
  const warmUps = await done
  await Promise.all(workers.map((w) => w.terminate()))
  if (counter[0] !== ACQUISITIONS) throw new Error(`lost updates: ${counter[0]}`)
  return { ns: (elapsed * 1e6) / ACQUISITIONS, cpuNs: (cpu * 1e6) / ACQUISITIONS, warmUp: median(warmUps) }
}

/** µs per item through one weft Queue, threads/2 producers and threads/2 consumers. */
async function weftQueue(threads) {
  const queue = new Queue({ maxsize: 1024 })
  await Queue.ready()
  const gate = makeGate()
  const finish = makeGate()
  const each = ITEMS / (threads / 2)
  const own = () => new Queue({ maxsize: 1024, bytes: 1 << 16 })
  const producers = Array.from({ length: threads / 2 }, () => started(produce, [queue, each, gate, finish, own(), WARM_UP]))
  const consumers = Array.from({ length: threads / 2 }, () => started(consume, [queue, each, gate, finish, own(), WARM_UP]))
  await arrivals(gate, threads)
  const { elapsed, cpu } = await timed(gate, finish, threads)
  const sums = await Promise.all([...producers, ...consumers].map((t) => t.join()))
  const taken = sums.slice(threads / 2).reduce((a, b) => a + b, 0)
  const put = (threads / 2) * ((each * (each - 1)) / 2)
  if (taken !== put) throw new Error(`items lost: took a sum of ${taken}, put ${put}`)
  return { us: (elapsed * 1000) / ITEMS, cpuUs: (cpu * 1000) / ITEMS }
}

const load = [loadavg()[0]]
const samples = { weftLock: {}, rawLock: {}, weftCpu: {}, rawCpu: {}, weftQueue: {}, queueCpu: {}, weftWarmUp: {}, rawWarmUp: {} }
const push = (key, threads, value) => (samples[key][threads] ??= []).push(value)
for (let round = 0; round < ROUNDS; round++) {
  for (const threads of THREADS) {
    const raw = await rawLock(threads)
    const weft = await weftLock(threads)
    push("rawLock", threads, raw.ns)
    push("rawCpu", threads, raw.cpuNs)
    push("rawWarmUp", threads, raw.warmUp)
    push("weftLock", threads, weft.ns)
    push("weftCpu", threads, weft.cpuNs)
    push("weftWarmUp", threads, weft.warmUp)
    const queue = await weftQueue(threads)
    push("weftQueue", threads, queue.us)
    push("queueCpu", threads, queue.cpuUs)
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
  ["threads", "weft ns", "× 2 threads", "raw futex ns", "× 2 threads", "weft / raw", "CPU ns weft", "raw", "weft / raw"],
  THREADS.map((t) => [
    t,
    m("weftLock", t).toFixed(0),
    `${growth("weftLock", t).toFixed(2)}×`,
    m("rawLock", t).toFixed(0),
    `${growth("rawLock", t).toFixed(2)}×`,
    `${(m("weftLock", t) / m("rawLock", t)).toFixed(2)}×`,
    m("weftCpu", t).toFixed(0),
    m("rawCpu", t).toFixed(0),
    `${(m("weftCpu", t) / m("rawCpu", t)).toFixed(2)}×`,
  ]),
)
console.log(
  `CPU ns: CPU time the process used per acquisition in the window (all threads), which load from other work moves less than the wall time.
A thread's warm-up (its first ${WARM_UP.toLocaleString("en")} acquisitions, on a lock of its own, before the clock), median ms: ${THREADS.map((t) => `${t} threads: weft ${m("weftWarmUp", t).toFixed(1)}, raw ${m("rawWarmUp", t).toFixed(1)}`).join("; ")}`,
)
const queueTitle = `Queue: half the threads put, half take, ${ITEMS.toLocaleString("en")} items in all, maxsize 1024 (µs per item)`
console.log(`\n${queueTitle}`)
printColumns(
  ["threads", "weft µs", "× 2 threads", "CPU µs", "× 2 threads"],
  THREADS.map((t) => [
    t,
    m("weftQueue", t).toFixed(2),
    `${growth("weftQueue", t).toFixed(2)}×`,
    m("queueCpu", t).toFixed(2),
    `${growth("queueCpu", t).toFixed(2)}×`,
  ]),
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
  table: lockTitle,
  name: `Lock: weft vs raw futex at ${last} threads, CPU per acquisition`,
  ratio: m("weftCpu", last) / m("rawCpu", last),
  target: "",
  source: "#16",
})
record({
  table: queueTitle,
  name: `Queue: weft curve, ${last} vs ${first} threads`,
  ratio: growth("weftQueue", last),
  target: "",
  source: "#16",
})
