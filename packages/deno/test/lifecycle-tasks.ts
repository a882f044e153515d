// Targets that end their own worker in the ways Deno offers.
import { threadable } from "@weft/deno"

export const closeSelf = threadable(import.meta.url, function closeSelf(): void {
  ;(globalThis as unknown as { close(): void }).close()
})

export const throwLater = threadable(import.meta.url, function throwLater(): Promise<never> {
  setTimeout(() => {
    throw new RangeError("thrown from a timer")
  })
  return new Promise<never>(() => {})
})
