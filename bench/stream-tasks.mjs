// The streaming benchmark's generators for weft (registered, so workers import this module).
import { threadable } from "@weft/node"

/** Yields 0 .. count-1 (count = Infinity for an endless stream). */
export const numbers = threadable(import.meta.url, function* numbers(count) {
  for (let i = 0; i < count; i++) yield i
})

/** Yields `count` fresh byte arrays of `bytes` each: values whose buffering shows in RSS. */
export const chunks = threadable(import.meta.url, function* chunks(count, bytes) {
  for (let i = 0; i < count; i++) yield new Uint8Array(bytes).fill(i & 0xff)
})
