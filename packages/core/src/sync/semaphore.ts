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

  tryAcquire(): boolean {
    const v = this.#v
    for (let value = Atomics.load(v, VALUE); value > 0; value = Atomics.load(v, VALUE)) {
      if (Atomics.compareExchange(v, VALUE, value, value - 1) === value) return true
    }
    return false
  }

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

  async hold(options?: WaitOptions): Promise<Held> {
    if (!(await this.acquire(options))) throw holdTimedOut(this.constructor.name, options?.timeout)
    return held(false, () => this.release())
  }

  holdSync(options?: WaitOptions): Held {
    if (!this.acquireSync(options)) throw holdTimedOut(this.constructor.name, options?.timeout)
    return held(false, () => this.release())
  }

  [toShared](): SharedRecord {
    return { tag: Atomics.load(this.#v, BOUND) >= 0 ? BOUNDED_SEMAPHORE_TAG : SEMAPHORE_TAG, data: this.#v }
  }
}

/** A Semaphore whose release() past its initial value throws `RangeError` (Python's ValueError). */
export class BoundedSemaphore extends Semaphore {}
