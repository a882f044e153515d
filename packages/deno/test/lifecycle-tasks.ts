// Targets that end their own worker in the ways Deno offers.
import { Queue, threadable } from "@weft/deno"

export const closeSelf = threadable(import.meta.url, function closeSelf(): void {
  ;(globalThis as unknown as { close(): void }).close()
})

export const throwLater = threadable(import.meta.url, function throwLater(): Promise<never> {
  setTimeout(() => {
    throw new RangeError("thrown from a timer")
  })
  return new Promise<never>(() => {})
})

/** A Queue's synchronous face first thing in a fresh worker: the codec must load synchronously (requireSync). */
export const putAtOnce = threadable(import.meta.url, function putAtOnce(item: unknown): unknown {
  const queue = new Queue<unknown>()
  if (!queue.tryPut(item)) throw new Error("an empty Queue refused an item")
  return queue.tryGet()
})
