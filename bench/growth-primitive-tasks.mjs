// Weft targets for growth-primitives.bench.mjs: producers and consumers of one shared Queue.
import { threadable } from "@weft/node"
import { arriveAndWait } from "./gate.mjs"

/** Puts `count` small items on `queue`, once the gate opens. */
export const produce = threadable(import.meta.url, function produce(queue, count, gate) {
  arriveAndWait(gate)
  for (let i = 0; i < count; i++) queue.putSync({ n: i })
})

/** Takes `count` items from `queue`, once the gate opens. */
export const consume = threadable(import.meta.url, function consume(queue, count, gate) {
  arriveAndWait(gate)
  let sum = 0
  for (let i = 0; i < count; i++) sum += queue.getSync().n
  return sum
})
