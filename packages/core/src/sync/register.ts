// The decoders of the library's primitives, installed the first time this thread meets a
// tagged record (called from shareable.ts, so no bundler can shake the registrations away).
// Each checks the record's shape first: a record is data from another thread, and a malformed
// one must fail its own task with a TypeError, not a primitive later or the receiver's handler.
import { registerShareable } from "../shared-record.js"
import { attach } from "./attach.js"
import { Barrier, BARRIER_TAG, BARRIER_WORDS } from "./barrier.js"
import { Condition, CONDITION_TAG } from "./condition.js"
import { Event, EVENT_TAG } from "./event.js"
import { Lock, LOCK_TAG } from "./lock.js"
import { MUTEX_WORDS } from "./mutex.js"
import { Queue, QUEUE_TAG } from "./queue.js"
import { QUEUE_MIN_BYTES } from "./queue-buffer.js"
import { RLock, RLOCK_TAG } from "./rlock.js"
import { BoundedSemaphore, BOUNDED_SEMAPHORE_TAG, Semaphore, SEMAPHORE_TAG } from "./semaphore.js"
import { ATTACH } from "./attach.js"

let installed = false

function malformed(what: string): TypeError {
  return new TypeError(`weft: a malformed ${what} record arrived from another thread`)
}

/** `data` as the shared words of a primitive: an Int32Array of exactly `count` words over shared memory. */
function words(data: unknown, count: number, what: string): Int32Array {
  if (
    typeof SharedArrayBuffer === "undefined" ||
    !(data instanceof Int32Array) ||
    !(data.buffer instanceof SharedArrayBuffer) ||
    data.length !== count
  )
    throw malformed(what)
  return data
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null
}

function barrierData(data: unknown): Parameters<(typeof Barrier)[typeof ATTACH]>[0] {
  if (!isRecord(data)) throw malformed("Barrier")
  const { action, timeout } = data
  if (timeout !== undefined && typeof timeout !== "number") throw malformed("Barrier")
  if (action !== undefined && !(isRecord(action) && typeof action.key === "string" && typeof action.url === "string"))
    throw malformed("Barrier")
  return {
    words: words(data.words, BARRIER_WORDS, "Barrier"),
    action: action === undefined ? undefined : { key: action.key as string, url: action.url as string },
    timeout,
  }
}

function conditionData(data: unknown): { lock: { tag: string; data: Int32Array }; words: Int32Array } {
  if (!isRecord(data) || !isRecord(data.lock)) throw malformed("Condition")
  const { tag } = data.lock
  if (tag !== LOCK_TAG && tag !== RLOCK_TAG) throw malformed("Condition")
  return {
    lock: { tag, data: words(data.lock.data, tag === LOCK_TAG ? MUTEX_WORDS : MUTEX_WORDS + 1, "Condition") },
    words: words(data.words, 3, "Condition"),
  }
}

function queueMemory(data: unknown): SharedArrayBuffer {
  if (typeof SharedArrayBuffer === "undefined" || !(data instanceof SharedArrayBuffer) || data.byteLength < QUEUE_MIN_BYTES)
    throw malformed("Queue")
  return data
}

export function registerPrimitives(): void {
  if (installed) return
  installed = true
  registerShareable(LOCK_TAG, (data) => attach(Lock, words(data, MUTEX_WORDS, "Lock")))
  registerShareable(RLOCK_TAG, (data) => attach(RLock, words(data, MUTEX_WORDS + 1, "RLock")))
  registerShareable(CONDITION_TAG, (data) => attach(Condition, conditionData(data)))
  registerShareable(SEMAPHORE_TAG, (data) => attach(Semaphore, words(data, 3, "Semaphore")))
  registerShareable(BOUNDED_SEMAPHORE_TAG, (data) => attach(BoundedSemaphore, words(data, 3, "BoundedSemaphore")))
  registerShareable(EVENT_TAG, (data) => attach(Event, words(data, 2, "Event")))
  registerShareable(BARRIER_TAG, (data, context) => Barrier[ATTACH](barrierData(data), context.mayImport))
  registerShareable(QUEUE_TAG, (data) => Queue[ATTACH](queueMemory(data)))
}
