// Semaphore and BoundedSemaphore: Python's counting semaphores on one shared counter.
// WAITERS counts parked acquirers so release() notifies only when someone waits.
import { markSharedInUse, type SharedRecord, toShared } from "../shared-record.js"
import { ATTACH } from "./attach.js"
import { held, holdTimedOut, type Held } from "./hold.js"
import { assertCanBlock, blockWhile, checkSignal, deadlineOf, sharedWords, waitWhile, type WaitOptions } from "./parking.js"

export const SEMAPHORE_TAG = "weft:Semaphore"
export const BOUNDED_SEMAPHORE_TAG = "weft:BoundedSemaphore"
const VALUE = 0
const WAITERS = 1
/** The initial value of a BoundedSemaphore (-1 for an unbounded Semaphore). */
const BOUND = 2

/** A counting semaphore shared across threads (Python's `threading.Semaphore`). */
export class Semaphore {
  readonly #v: Int32Array

  constructor(value?: number)
  constructor(value: number | typeof ATTACH = 1, shared?: Int32Array) {
    if (value === ATTACH && shared !== undefined) {
      this.#v = shared
    } else {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
        throw new RangeError(`${new.target.name} value must be a whole number >= 0, got ${String(value)}`)
      }
      this.#v = sharedWords(3, new.target.name)
      Atomics.store(this.#v, VALUE, value)
      Atomics.store(this.#v, BOUND, new.target === BoundedSemaphore ? value : -1)
    }
    markSharedInUse()
  }

  /** The current counter (Python's `_value`); informative only, it may change at once. */
  get value(): number {
    return Atomics.load(this.#v, VALUE)
  }

  /** Takes one unit if available; never waits. */
  tryAcquire(): boolean {
    const v = this.#v
    for (let value = Atomics.load(v, VALUE); value > 0; value = Atomics.load(v, VALUE)) {
      if (Atomics.compareExchange(v, VALUE, value, value - 1) === value) return true
    }
    return false
  }

  /** Blocks until a unit is available; `false` on timeout. Not on a browser's main thread. */
  acquireSync(options?: WaitOptions): boolean {
    assertCanBlock(`${this.constructor.name}.acquireSync()`, "await semaphore.acquire()")
    if (options?.signal !== undefined) checkSignal(options.signal)
    if (this.tryAcquire()) return true
    const deadline = deadlineOf(options?.timeout)
    const v = this.#v
    for (;;) {
      Atomics.add(v, WAITERS, 1)
      let woke
      try {
        woke = blockWhile(v, VALUE, 0, deadline, options?.signal)
      } finally {
        Atomics.sub(v, WAITERS, 1)
      }
      if (this.tryAcquire()) return true
      if (woke === "timed-out") return false
    }
  }

  /** Waits for a unit; resolves `false` on timeout. */
  async acquire(options?: WaitOptions): Promise<boolean> {
    if (options?.signal !== undefined) checkSignal(options.signal)
    if (this.tryAcquire()) return true
    const deadline = deadlineOf(options?.timeout)
    const v = this.#v
    for (;;) {
      Atomics.add(v, WAITERS, 1)
      let woke
      try {
        woke = await waitWhile(v, VALUE, 0, deadline, options?.signal)
      } finally {
        Atomics.sub(v, WAITERS, 1)
      }
      if (this.tryAcquire()) return true
      if (woke === "timed-out") return false
    }
  }

  /** Adds `n` and wakes up to `n` waiters. A BoundedSemaphore throws `RangeError` past its initial value. */
  release(n = 1): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`release(n) takes a whole number >= 1, got ${String(n)}`)
    const v = this.#v
    const bound = Atomics.load(v, BOUND)
    if (bound >= 0) {
      for (;;) {
        const value = Atomics.load(v, VALUE)
        if (value + n > bound) throw new RangeError("Semaphore released too many times")
        if (Atomics.compareExchange(v, VALUE, value, value + n) === value) break
      }
    } else {
      Atomics.add(v, VALUE, n)
    }
    if (Atomics.load(v, WAITERS) > 0) Atomics.notify(v, VALUE, n)
  }

  /** Acquires a unit and returns a `Held` that releases it when disposed (`using`). */
  async hold(options?: WaitOptions): Promise<Held> {
    if (!(await this.acquire(options))) throw holdTimedOut(this.constructor.name, options?.timeout)
    return held(false, () => this.release())
  }

  /** Blocking `hold()`; not on a browser's main thread. */
  holdSync(options?: WaitOptions): Held {
    if (!this.acquireSync(options)) throw holdTimedOut(this.constructor.name, options?.timeout)
    return held(false, () => this.release())
  }

  /** Describes the semaphore for sending to another thread, which then shares it. */
  [toShared](): SharedRecord {
    return { tag: Atomics.load(this.#v, BOUND) >= 0 ? BOUNDED_SEMAPHORE_TAG : SEMAPHORE_TAG, data: this.#v }
  }
}

/** A Semaphore whose release() past its initial value throws `RangeError` (Python's ValueError). */
export class BoundedSemaphore extends Semaphore {}
