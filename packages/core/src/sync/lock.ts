// Lock: Python's threading.Lock on one shared futex mutex. Any thread may release it. A lock
// whose holder failed (exit, crash, terminate(), a target that threw) is taken over by the next
// acquirer, which then reads `abandoned === true` (also on the `Held` that `hold()` returns) until
// it releases. A thread that returns normally holding it leaves it held, for another to release.
import { RuntimeError } from "../errors.js"
import { markSharedInUse, type SharedRecord, toShared } from "../shared-record.js"
import { ATTACH } from "./attach.js"
import { held, holdTimedOut, type Held } from "./hold.js"
import {
  isAbandoned,
  lockAsync,
  lockSync,
  MUTEX_WORDS,
  ownerId,
  STATE,
  tryLock,
  tryLockAsCaller,
  tryLockOrTakeOver,
  unlock,
} from "./mutex.js"
import { assertCanBlock, blockingAllowed, canBlock, checkSignal, deadlineOf, sharedWords, type WaitOptions } from "./parking.js"

export const LOCK_TAG = "weft:Lock"

let contendedPathRun = false

/**
 * Runs the contended paths of acquireSync and release once in this thread, on a lock of its own
 * (a wait of some microseconds), before V8 optimizes them. Otherwise V8 optimizes them (and the
 * caller's loop they are inlined into) from uncontended calls only, each thread's first contention
 * deoptimizes them all, and V8 compiles them again: with many threads on one lock, that was most of
 * the CPU a hand-off cost (growth-primitives.bench.mjs: ~50 deoptimizations at 16 threads).
 */
function runContendedPathOnce(): void {
  contendedPathRun = true
  if (!canBlock()) return
  const own = new Lock()
  // V8 records feedback only once a function has run for a while (lazy feedback vectors).
  for (let i = 0; i < 64; i++) {
    own.acquireSync()
    own.release()
  }
  own.acquireSync()
  own.acquireSync({ timeout: 0.02 }) // contends with its holder, parks, times out
  own.release() // a release that wakes a parked acquirer
}

/** A mutual-exclusion lock shared by every thread it is passed to (Python's `threading.Lock`); any thread may release it. */
export class Lock {
  readonly #v: Int32Array

  constructor()
  constructor(token?: typeof ATTACH, shared?: Int32Array) {
    this.#v = token === ATTACH && shared !== undefined ? shared : sharedWords(MUTEX_WORDS, "Lock")
    markSharedInUse()
    if (!contendedPathRun) runContendedPathOnce()
  }

  /** Waits for the lock; resolves true, or false when `timeout` passes first. */
  acquire(options?: WaitOptions): Promise<boolean> {
    try {
      if (options?.signal !== undefined) checkSignal(options.signal)
      const me = ownerId()
      if (tryLock(this.#v, 0, me)) return Promise.resolve(true)
      return lockAsync(this.#v, 0, me, deadlineOf(options?.timeout), options?.signal, "failed")
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /** Blocks until the lock is taken; false when `timeout` passes first. Not on a browser page's main thread. */
  acquireSync(options?: WaitOptions): boolean {
    // The common call (no options, a thread known to be allowed to block) in one call: a new
    // thread runs its first thousands of acquires before V8 has optimized and inlined them.
    if (options === undefined && blockingAllowed === true && tryLockAsCaller(this.#v, 0)) return true
    assertCanBlock("Lock.acquireSync()", "await lock.acquire()")
    if (options?.signal !== undefined) checkSignal(options.signal)
    const me = ownerId()
    if (tryLock(this.#v, 0, me)) return true
    return lockSync(this.#v, 0, me, deadlineOf(options?.timeout), options?.signal, "failed")
  }

  /** Takes the lock if it is free, without waiting. */
  tryAcquire(): boolean {
    return tryLockOrTakeOver(this.#v, 0, ownerId(), "failed")
  }

  /** Releases the lock; any thread may. Releasing an unlocked lock throws `RuntimeError`. */
  release(): void {
    if (!unlock(this.#v, 0)) throw new RuntimeError("release unlocked lock")
  }

  /** Whether some thread holds it. */
  locked(): boolean {
    return Atomics.load(this.#v, STATE) !== 0
  }

  /** True while the current holding was taken over from a thread that died holding the lock. */
  get abandoned(): boolean {
    return isAbandoned(this.#v, 0)
  }

  /** `using _ = await lock.hold()`; rejects `TimeoutError` when `timeout` passes first. */
  async hold(options?: WaitOptions): Promise<Held> {
    if (!(await this.acquire(options))) throw holdTimedOut("Lock", options?.timeout)
    return held(this.abandoned, () => this.release())
  }

  /** Blocks until acquired and returns a `Held` that releases when disposed; not on a browser's main thread. */
  holdSync(options?: WaitOptions): Held {
    assertCanBlock("Lock.holdSync()", "await lock.hold()")
    if (!this.acquireSync(options)) throw holdTimedOut("Lock", options?.timeout)
    return held(this.abandoned, () => this.release())
  }

  /** Describes the lock for sending to another thread, which then shares it. */
  [toShared](): SharedRecord {
    return { tag: LOCK_TAG, data: this.#v }
  }
}
