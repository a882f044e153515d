// Weft targets for growth-primitives.bench.mjs. Each thread first warms up on a primitive of its
// own, passed in like the measured one (so V8 has optimized the path for it before the clock
// starts, as in the raw workers), waits at the start gate, runs, then reports at the finish gate
// and stays until the caller has stopped the clock: thread start-up and exit are not part of a
// hand-off (bench/thread.bench.mjs times those).
import { threadable } from "@weft/node"
import { arriveAndWait } from "./gate.mjs"

/** counter++ under `lock`, `times` times (the same function warms up and is measured, as in the raw worker). */
function increments(lock, counter, times) {
  for (let i = 0; i < times; i++) {
    lock.acquireSync()
    counter[0]++
    lock.release()
  }
}

/** counter++ under `lock`, `times` times, between the gates; returns the warm-up's ms. */
export const lockedIncrements = threadable(import.meta.url, function lockedIncrements(lock, counter, times, gate, finish, own, warmUp) {
  const t0 = performance.now()
  increments(own, new Int32Array(1), warmUp)
  const warm = performance.now() - t0
  arriveAndWait(gate)
  increments(lock, counter, times)
  arriveAndWait(finish)
  return warm
})

/** Puts `count` items on `queue` ({ n: 0 } up). */
function putItems(queue, count) {
  for (let i = 0; i < count; i++) queue.putSync({ n: i })
}

/** Takes `count` items from `queue`; returns the sum of their `n`. */
function takeItems(queue, count) {
  let sum = 0
  for (let i = 0; i < count; i++) sum += queue.getSync().n
  return sum
}

/** Warms up both paths on a queue of this thread's own, in batches that fit it. */
function warmUpQueue(own, times) {
  for (let done = 0; done < times; done += 1000) {
    putItems(own, Math.min(1000, times - done))
    takeItems(own, Math.min(1000, times - done))
  }
}

/** Puts `count` small items on `queue`, between the gates. */
export const produce = threadable(import.meta.url, function produce(queue, count, gate, finish, own, warmUp) {
  warmUpQueue(own, warmUp)
  arriveAndWait(gate)
  putItems(queue, count)
  arriveAndWait(finish)
})

/** Takes `count` items from `queue`, between the gates; returns the sum of their `n`. */
export const consume = threadable(import.meta.url, function consume(queue, count, gate, finish, own, warmUp) {
  warmUpQueue(own, warmUp)
  arriveAndWait(gate)
  const sum = takeItems(queue, count)
  arriveAndWait(finish)
  return sum
})
