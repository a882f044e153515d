import { isOpaque, isShareable } from "../shared-record.js"

// What a Queue item may not hold, found in one walk before it is encoded: shared memory or a
// primitive (it would arrive as a dead copy), or an own "__proto__" key (the codec renames it to
// guard against prototype pollution, so the item would arrive changed).

/** Throws a TypeError saying what is wrong with a Queue item, if anything is. */
export function checkQueueItem(item: unknown): void {
  const problem = findProblem(item, new Set())
  if (problem === "shared") {
    throw new TypeError("a Queue item cannot hold shared memory or a primitive (Lock, Queue, ...): it would arrive as a dead copy. Pass those to the thread as arguments instead")
  }
  if (problem === "proto") {
    throw new TypeError('a Queue item cannot hold an own "__proto__" key (the codec would rename it): rename the key, or pass the value to the thread as an argument')
  }
}

function findProblem(value: unknown, seen: Set<object>): "shared" | "proto" | undefined {
  if (typeof value !== "object" || value === null || seen.has(value)) return undefined
  seen.add(value)
  if (isShareable(value)) return "shared"
  if (typeof SharedArrayBuffer !== "undefined") {
    if (value instanceof SharedArrayBuffer) return "shared"
    if (ArrayBuffer.isView(value)) return value.buffer instanceof SharedArrayBuffer ? "shared" : undefined
  }
  if (value instanceof Map) {
    for (const [k, v] of value) {
      const found = findProblem(k, seen) ?? findProblem(v, seen)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (value instanceof Set) {
    for (const v of value) {
      const found = findProblem(v, seen)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (isOpaque(value)) return undefined
  for (const key of Object.keys(value)) {
    if (key === "__proto__") return "proto"
    const found = findProblem((value as Record<string, unknown>)[key], seen)
    if (found !== undefined) return found
  }
  return undefined
}
