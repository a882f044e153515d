// Condition: Python's threading.Condition over a Lock or an RLock (the default).
// Wake-ups are tokens, not a bare sequence counter: `notify(n)` moves n counted waiters to n
// tokens, bumps SEQ and wakes n parked threads; a waiter returns only with a token, so exactly
// n return, however many woke. Invariant: sleepers = WAITERS + TOKENS. WAITERS changes only
// under the lock; sleepers take tokens with a CAS.
import { RuntimeError } from "../errors.js"
import { markSharedInUse, type SharedRecord, toShared } from "../shared-record.js"
import { ACQUIRE_RESTORE, ACQUIRE_RESTORE_SYNC, ATTACH, attach, RELEASE_SAVE } from "./attach.js"
import type { Held } from "./hold.js"
import { Lock, LOCK_TAG } from "./lock.js"
import { RLock, type RLockSaved } from "./rlock.js"
import { assertCanBlock, blockWhile, checkSignal, deadlineOf, remaining, sharedWords, waitWhile, type WaitOptions } from "./parking.js"

export const CONDITION_TAG = "weft:Condition"
const WAITERS = 0
const TOKENS = 1
const SEQ = 2

interface ConditionData {
  readonly lock: SharedRecord
  readonly words: Int32Array
}

export class Condition {
  readonly #lock: Lock | RLock
  readonly #v: Int32Array

  constructor(lock?: Lock | RLock)
  constructor(lock?: Lock | RLock | typeof ATTACH, data?: ConditionData) {
    if (lock === ATTACH && data !== undefined) {
      this.#lock = data.lock.tag === LOCK_TAG ? attach(Lock, data.lock.data as Int32Array) : attach(RLock, data.lock.data as Int32Array)
      this.#v = data.words
    } else {
      if (lock !== undefined && !(lock instanceof Lock) && !(lock instanceof RLock)) {
        throw new TypeError("new Condition(lock) takes a Lock or an RLock (or nothing, for a new RLock)")
      }
      this.#v = sharedWords(3, "Condition")
      this.#lock = (lock as Lock | RLock | undefined) ?? new RLock()
    }
    markSharedInUse()
  }

  // --- the lock, delegated ---
  acquire(options?: WaitOptions): Promise<boolean> {
    return this.#lock.acquire(options)
  }
  acquireSync(options?: WaitOptions): boolean {
    return this.#lock.acquireSync(options)
  }
  tryAcquire(): boolean {
    return this.#lock.tryAcquire()
  }
  release(): void {
    this.#lock.release()
  }
  hold(options?: WaitOptions): Promise<Held> {
    return this.#lock.hold(options)
  }
  holdSync(options?: WaitOptions): Held {
    return this.#lock.holdSync(options)
  }

  #owned(): boolean {
    return this.#lock instanceof RLock ? this.#lock.isOwned() : this.#lock.locked()
  }

  #enter(what: string, signal: AbortSignal | undefined): { seq: number; saved: RLockSaved | undefined } {
    if (!this.#owned()) throw new RuntimeError(`cannot ${what} on un-acquired lock`)
    checkSignal(signal)
    Atomics.add(this.#v, WAITERS, 1)
    const seq = Atomics.load(this.#v, SEQ)
    const lock = this.#lock
    const saved = lock instanceof RLock ? lock[RELEASE_SAVE]() : (lock.release(), undefined)
    return { seq, saved }
  }

  #takeToken(): boolean {
    for (let t = Atomics.load(this.#v, TOKENS); t > 0; t = Atomics.load(this.#v, TOKENS)) {
      if (Atomics.compareExchange(this.#v, TOKENS, t, t - 1) === t) return true
    }
    return false
  }

  /** After a timeout or abort, with the lock held again: stop being counted. True when a token had to be taken (we were notified). */
  #leave(): boolean {
    if (Atomics.load(this.#v, WAITERS) > 0) {
      Atomics.sub(this.#v, WAITERS, 1)
      return false
    }
    return this.#takeToken()
  }

  /** Releases the lock, waits for a notify, takes the lock back. False on timeout. */
  waitSync(options?: WaitOptions): boolean {
    assertCanBlock("Condition.waitSync()", "await condition.wait()")
    const deadline = deadlineOf(options?.timeout)
    const signal = options?.signal
    let { seq, saved } = this.#enter("wait", signal)
    let notified = false
    let failure: unknown
    try {
      for (;;) {
        const woke = blockWhile(this.#v, SEQ, seq, deadline, signal)
        seq = Atomics.load(this.#v, SEQ)
        if (this.#takeToken()) {
          notified = true
          break
        }
        if (woke === "timed-out") break
      }
    } catch (error) {
      failure = error ?? new Error("wait failed")
    }
    const lock = this.#lock
    if (lock instanceof RLock) lock[ACQUIRE_RESTORE_SYNC](saved!)
    else lock.acquireSync()
    if (!notified) notified = this.#leave()
    if (failure !== undefined) throw failure
    return notified
  }

  async wait(options?: WaitOptions): Promise<boolean> {
    const deadline = deadlineOf(options?.timeout)
    const signal = options?.signal
    let { seq, saved } = this.#enter("wait", signal)
    let notified = false
    let failure: unknown
    try {
      for (;;) {
        const woke = await waitWhile(this.#v, SEQ, seq, deadline, signal)
        seq = Atomics.load(this.#v, SEQ)
        if (this.#takeToken()) {
          notified = true
          break
        }
        if (woke === "timed-out") break
      }
    } catch (error) {
      failure = error ?? new Error("wait failed")
    }
    const lock = this.#lock
    if (lock instanceof RLock) await lock[ACQUIRE_RESTORE](saved!)
    else await lock.acquire()
    if (!notified) notified = this.#leave()
    if (failure !== undefined) throw failure
    return notified
  }

  /** Waits until `predicate()` is truthy; returns its last value (falsy after a timeout). */
  waitForSync<T>(predicate: () => T, options?: WaitOptions): T {
    assertCanBlock("Condition.waitForSync()", "await condition.waitFor()")
    const deadline = deadlineOf(options?.timeout)
    let result = predicate()
    while (!result) {
      const left = remaining(deadline)
      if (left === 0) break
      this.waitSync({ timeout: left === Infinity ? undefined : left, signal: options?.signal })
      result = predicate()
    }
    return result
  }

  async waitFor<T>(predicate: () => T, options?: WaitOptions): Promise<T> {
    const deadline = deadlineOf(options?.timeout)
    let result = predicate()
    while (!result) {
      const left = remaining(deadline)
      if (left === 0) break
      await this.wait({ timeout: left === Infinity ? undefined : left, signal: options?.signal })
      result = predicate()
    }
    return result
  }

  /** Wakes up to `n` threads waiting now. The lock must be held. */
  notify(n = 1): void {
    if (!this.#owned()) throw new RuntimeError("cannot notify on un-acquired lock")
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`notify(n) takes a whole number >= 0, got ${String(n)}`)
    const k = Math.min(n, Atomics.load(this.#v, WAITERS))
    if (k <= 0) return
    Atomics.sub(this.#v, WAITERS, k)
    Atomics.add(this.#v, TOKENS, k)
    Atomics.add(this.#v, SEQ, 1)
    Atomics.notify(this.#v, SEQ, k)
  }

  notifyAll(): void {
    if (!this.#owned()) throw new RuntimeError("cannot notify on un-acquired lock")
    this.notify(Atomics.load(this.#v, WAITERS))
  }

  [toShared](): SharedRecord {
    return { tag: CONDITION_TAG, data: { lock: this.#lock[toShared](), words: this.#v } satisfies ConditionData }
  }
}
