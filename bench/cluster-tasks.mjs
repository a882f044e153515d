// Targets for bench/cluster.bench.mjs, loaded by the weft-serve processes it starts.
import { threadable } from "@weft/node"

export const noop = threadable(import.meta.url, function noop(value) {
  return value
})

/** Busy for `ms` milliseconds of CPU, then returns `ms`. */
export const burn = threadable(import.meta.url, function burn(ms) {
  const end = performance.now() + ms
  let x = 0
  while (performance.now() < end) x++
  return x > 0 ? ms : 0
})
