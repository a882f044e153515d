// A task module whose evaluation fails inside workers (and only there).
import { isMainThread, threadable } from "@weft/core"

export const unreachable = threadable(import.meta.url, function unreachable(): string {
  return "never runs"
})

if (!isMainThread()) throw new Error("this module refuses to load in a worker")
