import { findInValue } from "../shared-record.js"

// What a Queue item may not hold, found in one walk before it is encoded: shared memory or a
// primitive (it would arrive as a dead copy), or an own "__proto__" key (the codec renames it to
// guard against prototype pollution, so the item would arrive changed).

/** Throws a TypeError saying what is wrong with a Queue item, if anything is. */
export function checkQueueItem(item: unknown): void {
  const problem = findInValue(item, true, new Set())
  if (problem === "shared") {
    throw new TypeError(
      "a Queue item cannot hold shared memory or a primitive (Lock, Queue, ...): it would arrive as a dead copy. Pass those to the thread as arguments instead",
    )
  }
  if (problem === "proto") {
    throw new TypeError(
      'a Queue item cannot hold an own "__proto__" key (the codec would rename it): rename the key, or pass the value to the thread as an argument',
    )
  }
}
