import { threadable } from "@weft/node"

export const echo = threadable(import.meta.url, function echo(value) {
  return value
})

export const raiseFlag = threadable(import.meta.url, function raiseFlag(flags) {
  Atomics.store(flags, 0, 1)
  Atomics.notify(flags, 0)
})
