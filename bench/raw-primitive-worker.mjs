// The raw baselines' worker: a bare futex mutex, an Atomics.wait/notify ping-pong, postMessage.
import { parentPort, workerData } from "node:worker_threads"
import { arriveAndWait } from "./gate.mjs"

const { kind } = workerData
/** counter++ under a bare futex mutex (Drepper's: 0 free, 1 held, 2 held and maybe waited on). */
function futexIncrements(words, counter, times) {
  for (let i = 0; i < times; i++) {
    let c = Atomics.compareExchange(words, 0, 0, 1)
    if (c !== 0) {
      if (c !== 2) c = Atomics.exchange(words, 0, 2)
      while (c !== 0) {
        Atomics.wait(words, 0, 2)
        c = Atomics.exchange(words, 0, 2)
      }
    }
    counter[0]++
    if (Atomics.exchange(words, 0, 0) === 2) Atomics.notify(words, 0, 1)
  }
}

if (kind === "futex") {
  // Optional, as in growth-primitive-tasks.mjs: a warm-up on a mutex of its own, and a finish gate.
  const { words, counter, times, gate, finish, warmUp = 0 } = workerData
  const t0 = performance.now()
  futexIncrements(new Int32Array(new SharedArrayBuffer(4)), new Int32Array(1), warmUp)
  const warm = performance.now() - t0
  arriveAndWait(gate)
  futexIncrements(words, counter, times)
  if (finish !== undefined) arriveAndWait(finish)
  parentPort.postMessage(warm)
} else if (kind === "pingpong") {
  const { flag, rounds } = workerData
  for (let i = 0; i < rounds; i++) {
    while (Atomics.load(flag, 0) !== 1) Atomics.wait(flag, 0, 0)
    Atomics.store(flag, 0, 0)
    Atomics.notify(flag, 0)
  }
  parentPort.postMessage("done")
} else if (kind === "messages") {
  let seen = 0
  const { count } = workerData
  parentPort.on("message", () => {
    if (++seen === 1) parentPort.postMessage("ready")
    if (seen === count) {
      parentPort.postMessage("done")
      parentPort.close()
    }
  })
}
