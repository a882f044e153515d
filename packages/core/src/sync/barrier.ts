// Barrier: Python's threading.Barrier. Arrivals count under a small internal mutex; waiters
// park on GEN, which moves on when the last party arrives (after `action` ran in its thread)
// or when the barrier breaks (abort, reset with waiters, a timeout, a failing action). A bit
// per recent generation says whether it ended broken, so a late waker knows what it missed.
import { BrokenBarrierError, ThreadTargetError } from "../errors.js"
import { lookup, registrationOf, resolveRegistered } from "../registry.js"
import { importTaskModule } from "../runtime.js"
import { decodeLater, markSharedInUse, type SharedRecord, toShared } from "../shared-record.js"
import { ATTACH } from "./attach.js"
import { enterAsync, enterSync, MUTEX_WORDS, unlock } from "./mutex.js"
import { assertCanBlock, blockWhile, checkSignal, deadlineOf, sharedWords, waitWhile, type WaitOptions } from "./parking.js"

export const BARRIER_TAG = "weft:Barrier"
const COUNT = MUTEX_WORDS
const GEN = MUTEX_WORDS + 1
const BROKEN = MUTEX_WORDS + 2
const BROKEN_GENS = MUTEX_WORDS + 3
const PARTIES = MUTEX_WORDS + 4
const WORDS = MUTEX_WORDS + 5
/** Shared words of a Barrier (for validating a record that arrives). */
export const BARRIER_WORDS = WORDS

/** Options of `new Barrier(parties, options)`. */
export interface BarrierOptions {
  /** Runs once per cycle in the last thread to arrive, before the others are released. Register it with `threadable` to use the barrier in other threads. */
  readonly action?: () => unknown
  /** The default timeout (ms) of `wait`; a wait that times out breaks the barrier. */
  readonly timeout?: number
}

interface BarrierData {
  readonly words: Int32Array
  readonly action?: { readonly key: string; readonly url: string }
  readonly timeout?: number
}

/** Makes a fixed number of threads wait for each other (Python's `threading.Barrier`). */
export class Barrier {
  readonly #v: Int32Array
  readonly #timeout: number | undefined
  #action: (() => unknown) | undefined
  readonly #actionRef: { readonly key: string; readonly url: string } | undefined

  constructor(parties: number, options?: BarrierOptions)
  constructor(parties: number | typeof ATTACH, options: BarrierOptions | BarrierData = {}) {
    if (parties === ATTACH) {
      const data = options as BarrierData
      this.#v = data.words
      this.#timeout = data.timeout
      this.#actionRef = data.action
      if (data.action !== undefined) this.#action = lookup(data.action.key) as (() => unknown) | undefined
    } else {
      if (!Number.isInteger(parties) || parties < 1)
        throw new RangeError(`Barrier parties must be a whole number >= 1, got ${String(parties)}`)
      const { action, timeout } = options as BarrierOptions
      if (action !== undefined && typeof action !== "function")
        throw new TypeError("Barrier action must be a function registered with threadable()")
      if (timeout !== undefined) deadlineOf(timeout)
      this.#v = sharedWords(WORDS, "Barrier")
      Atomics.store(this.#v, PARTIES, parties)
      this.#action = action
      this.#actionRef = action === undefined ? undefined : registrationOf(action)
      this.#timeout = timeout
    }
    markSharedInUse()
  }

  /** How many threads must call `wait()` for all to pass. */
  get parties(): number {
    return Atomics.load(this.#v, PARTIES)
  }

  /** How many threads are waiting now. */
  get nWaiting(): number {
    return Atomics.load(this.#v, COUNT)
  }

  /** Whether the barrier is broken; waits throw `BrokenBarrierError` until `reset()`. */
  get broken(): boolean {
    return Atomics.load(this.#v, BROKEN) === 1
  }

  /** Loads the registered action where this handle arrived without it (before a job runs, or on first wait). */
  #prepare(): Promise<void> | undefined {
    const ref = this.#actionRef
    if (ref === undefined || this.#action !== undefined) return undefined
    return resolveRegistered(ref.key, ref.url, importTaskModule).then((fn) => {
      this.#action = fn as () => unknown
    })
  }

  #actionFn(): (() => unknown) | undefined {
    if (this.#actionRef === undefined) return this.#action
    if (this.#action === undefined) this.#action = lookup(this.#actionRef.key) as (() => unknown) | undefined
    if (typeof this.#action !== "function") {
      throw new ThreadTargetError(
        `the action "${this.#actionRef.key}" of this Barrier is not loaded in this thread: register it with threadable() in a module this thread imports`,
      )
    }
    return this.#action
  }

  /** Inside the mutex: ends generation `gen` as broken and wakes everyone. */
  #breakLocked(gen: number): void {
    const v = this.#v
    Atomics.store(v, BROKEN, 1)
    Atomics.store(v, COUNT, 0)
    this.#advanceLocked(gen, true)
  }

  #advanceLocked(gen: number, broken: boolean): void {
    const v = this.#v
    if (broken) Atomics.or(v, BROKEN_GENS, 1 << (gen & 31))
    Atomics.and(v, BROKEN_GENS, ~(1 << ((gen + 1) & 31)))
    Atomics.store(v, GEN, gen + 1)
    Atomics.notify(v, GEN)
  }

  /** Arrival: returns the index, or "last"/"wait" info; throws when broken. Runs inside the mutex. */
  #arriveLocked(): { index: number; gen: number; last: boolean } {
    const v = this.#v
    if (Atomics.load(v, BROKEN) === 1) throw new BrokenBarrierError("the barrier is broken")
    const gen = Atomics.load(v, GEN)
    const index = Atomics.add(v, COUNT, 1)
    return { index, gen, last: index + 1 >= Atomics.load(v, PARTIES) }
  }

  #completeLocked(gen: number): void {
    let action: (() => unknown) | undefined
    try {
      action = this.#actionFn()
      action?.()
    } catch (error) {
      this.#breakLocked(gen)
      throw error
    }
    Atomics.store(this.#v, COUNT, 0)
    this.#advanceLocked(gen, false)
  }

  /** After waking: what happened to generation `gen`. */
  #outcome(gen: number, index: number): number | undefined {
    const v = this.#v
    if (Atomics.load(v, GEN) === gen) return undefined
    if ((Atomics.load(v, BROKEN_GENS) & (1 << (gen & 31))) !== 0) throw new BrokenBarrierError("the barrier was broken while waiting")
    return index
  }

  /** Blocks until `parties` threads have called wait; returns this thread's arrival index (0 .. parties-1). */
  waitSync(options?: WaitOptions): number {
    assertCanBlock("Barrier.waitSync()", "await barrier.wait()")
    if (options?.signal !== undefined) checkSignal(options.signal)
    const deadline = deadlineOf(options?.timeout ?? this.#timeout)
    const v = this.#v
    enterSync(v, 0)
    let arrival
    try {
      arrival = this.#arriveLocked()
      if (arrival.last) this.#completeLocked(arrival.gen)
    } finally {
      unlock(v, 0)
    }
    if (arrival.last) return arrival.index
    for (;;) {
      let woke
      try {
        woke = blockWhile(v, GEN, arrival.gen, deadline, options?.signal)
      } catch (error) {
        this.#breakIfCurrentSync(arrival.gen)
        throw error
      }
      const index = this.#outcome(arrival.gen, arrival.index)
      if (index !== undefined) return index
      if (woke === "timed-out") {
        this.#breakIfCurrentSync(arrival.gen)
        const late = this.#outcome(arrival.gen, arrival.index)
        if (late !== undefined) return late
        throw new BrokenBarrierError("the barrier wait timed out, which broke the barrier")
      }
    }
  }

  /** Waits until all parties arrive; resolves with this thread's index (0 to parties - 1). */
  async wait(options?: WaitOptions): Promise<number> {
    if (options?.signal !== undefined) checkSignal(options.signal)
    const deadline = deadlineOf(options?.timeout ?? this.#timeout)
    const v = this.#v
    await this.#prepare()
    await enterAsync(v, 0)
    let arrival
    try {
      arrival = this.#arriveLocked()
      if (arrival.last) this.#completeLocked(arrival.gen)
    } finally {
      unlock(v, 0)
    }
    if (arrival.last) return arrival.index
    for (;;) {
      let woke
      try {
        woke = await waitWhile(v, GEN, arrival.gen, deadline, options?.signal)
      } catch (error) {
        await this.#breakIfCurrent(arrival.gen)
        throw error
      }
      const index = this.#outcome(arrival.gen, arrival.index)
      if (index !== undefined) return index
      if (woke === "timed-out") {
        await this.#breakIfCurrent(arrival.gen)
        const late = this.#outcome(arrival.gen, arrival.index)
        if (late !== undefined) return late
        throw new BrokenBarrierError("the barrier wait timed out, which broke the barrier")
      }
    }
  }

  #breakIfCurrentSync(gen: number): void {
    enterSync(this.#v, 0)
    try {
      if (Atomics.load(this.#v, GEN) === gen) this.#breakLocked(gen)
    } finally {
      unlock(this.#v, 0)
    }
  }

  async #breakIfCurrent(gen: number): Promise<void> {
    await enterAsync(this.#v, 0)
    try {
      if (Atomics.load(this.#v, GEN) === gen) this.#breakLocked(gen)
    } finally {
      unlock(this.#v, 0)
    }
  }

  /** Puts the barrier into the broken state: current and future waits throw `BrokenBarrierError` until `reset()`. */
  abort(): void {
    this.#withMutex(() => this.#breakLocked(Atomics.load(this.#v, GEN)))
  }

  /** Back to the empty state; threads waiting now get `BrokenBarrierError`. */
  reset(): void {
    this.#withMutex(() => {
      const v = this.#v
      const gen = Atomics.load(v, GEN)
      if (Atomics.load(v, COUNT) > 0) this.#advanceLocked(gen, true)
      Atomics.store(v, COUNT, 0)
      Atomics.store(v, BROKEN, 0)
    })
  }

  /** abort/reset are short and must work on a page's main thread: spin on the internal mutex there. */
  #withMutex(body: () => void): void {
    const v = this.#v
    if (!this.#tryEnter()) {
      try {
        enterSync(v, 0)
      } catch {
        while (!this.#tryEnter()) {
          /* a page's main thread cannot park: the holder is inside a few instructions */
        }
      }
    }
    try {
      body()
    } finally {
      unlock(v, 0)
    }
  }

  #tryEnter(): boolean {
    return Atomics.compareExchange(this.#v, 0, 0, 1) === 0
  }

  /** Describes the barrier for sending to another thread, which then shares it. */
  [toShared](): SharedRecord {
    if (this.#action !== undefined && this.#actionRef === undefined) {
      throw new TypeError(
        "a Barrier with an action can cross to another thread only when the action is registered: threadable(import.meta.url, action)",
      )
    }
    return { tag: BARRIER_TAG, data: { words: this.#v, action: this.#actionRef, timeout: this.#timeout } satisfies BarrierData }
  }

  /**
   * Rebuilds a handle from its record (the decoder registered for the tag). The action's module is
   * imported only when the caller sent the record (`mayImport`); otherwise it must be registered here.
   */
  static [ATTACH](data: BarrierData, mayImport: boolean): Barrier {
    const barrier = new (Barrier as unknown as new (token: typeof ATTACH, data: BarrierData) => Barrier)(ATTACH, data)
    const loading = mayImport ? barrier.#prepare() : undefined
    if (loading !== undefined) decodeLater(loading)
    return barrier
  }
}
