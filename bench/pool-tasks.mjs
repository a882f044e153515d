// The pool benchmark's tasks for weft (registered, so workers import this module).
import { threadable } from "@weft/node"

export const noop = threadable(import.meta.url, function noop(x) {
  return x
})

/** Busy for `ms` milliseconds of wall time: a CPU-bound task of known length. */
export const spin = threadable(import.meta.url, function spin(ms) {
  const end = performance.now() + ms
  let n = 0
  while (performance.now() < end) n++
  return n
})
