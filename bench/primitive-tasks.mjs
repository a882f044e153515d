// Worker-side code for primitives.bench.mjs: a raw worker entry (no weft) for the baselines,
// and weft targets for the measured side.
import { threadable } from "@weft/node"
import { arriveAndWait } from "./gate.mjs"

/** counter++ under a weft Lock. */
export const lockedIncrements = threadable(import.meta.url, function lockedIncrements(lock, counter, times, gate) {
  arriveAndWait(gate)
  for (let i = 0; i < times; i++) {
    lock.acquireSync()
    counter[0]++
    lock.release()
  }
})

/** Ping-pong through a weft Lock pair: waits for `mine`, releases `theirs`, `rounds` times. */
export const lockPong = threadable(import.meta.url, function lockPong(ping, pong, rounds) {
  for (let i = 0; i < rounds; i++) {
    ping.acquireSync()
    pong.release()
  }
})

/** Drains `count` items from a weft Queue. */
export const drain = threadable(import.meta.url, function drain(queue, count) {
  let sum = 0
  for (let i = 0; i < count; i++) sum += queue.getSync().n
  return sum
})
