// The decoders of the library's primitives, installed the first time this thread meets a
// tagged record (called from shareable.ts, so no bundler can shake the registrations away).
import { registerShareable } from "../shareable.js"
import { attach } from "./attach.js"
import { Barrier, BARRIER_TAG } from "./barrier.js"
import { Condition, CONDITION_TAG } from "./condition.js"
import { Event, EVENT_TAG } from "./event.js"
import { Lock, LOCK_TAG } from "./lock.js"
import { Queue, QUEUE_TAG } from "./queue.js"
import { RLock, RLOCK_TAG } from "./rlock.js"
import { BoundedSemaphore, BOUNDED_SEMAPHORE_TAG, Semaphore, SEMAPHORE_TAG } from "./semaphore.js"
import { ATTACH } from "./attach.js"

let installed = false

export function registerPrimitives(): void {
  if (installed) return
  installed = true
  registerShareable(LOCK_TAG, (data) => attach(Lock, data as Int32Array))
  registerShareable(RLOCK_TAG, (data) => attach(RLock, data as Int32Array))
  registerShareable(CONDITION_TAG, (data) => attach(Condition, data))
  registerShareable(SEMAPHORE_TAG, (data) => attach(Semaphore, data as Int32Array))
  registerShareable(BOUNDED_SEMAPHORE_TAG, (data) => attach(BoundedSemaphore, data as Int32Array))
  registerShareable(EVENT_TAG, (data) => attach(Event, data as Int32Array))
  registerShareable(BARRIER_TAG, (data) => Barrier[ATTACH](data as Parameters<(typeof Barrier)[typeof ATTACH]>[0]))
  registerShareable(QUEUE_TAG, (data) => Queue[ATTACH](data as SharedArrayBuffer))
}
