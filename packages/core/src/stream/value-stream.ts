// The consumer's half of a stream: an async iterator over the batches a worker sends. It holds
// at most highWaterMark values (the producer's credits bound them), gives credits back as values
// are read, ends with the generator's return value or rejects with its error once every value
// that arrived before has been read, and on return() tells the producer to stop.
import { decodeShared } from "../shareable.js"
import { FROM_THREAD } from "../shared-record.js"
import { CreditWindow } from "./credit-window.js"

/** How a stream reaches its producer. */
export interface StreamControl {
  /** Gives the producer `n` more credits. */
  grant(n: number): void
  /** Stops the producer; the promise resolves once it has stopped (or was made to). */
  stop(): Promise<void> | void
  /**
   * Whether anything still depends on the producer: false while it waits for credits and no
   * next() is pending (only the reader can move it on, so it need not keep the process alive).
   */
  demand?(needed: boolean): void
}

type Ending = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown }
type Waiter = { resolve(result: IteratorResult<unknown, unknown>): void; reject(error: unknown): void }

export class ValueStream<T = unknown, R = unknown> implements AsyncIterableIterator<T, R | undefined> {
  readonly #window: CreditWindow
  readonly #control: StreamControl
  #buffer: unknown[] = []
  #head = 0
  #waiters: Waiter[] = []
  #ending: Ending | undefined = undefined
  /** The ending was handed out (or return() was called): every next() now says done. */
  #finished = false
  /** Values are read and dropped as they come (a Thread joined without reading its values). */
  #discarding = false
  /** Credits the producer holds: the window plus what was granted, less what arrived. */
  #producerCredits: number
  #needed = true

  constructor(highWaterMark: number, control: StreamControl) {
    this.#window = new CreditWindow(highWaterMark)
    this.#control = control
    this.#producerCredits = highWaterMark
  }

  /** A batch from the producer. */
  push(values: readonly unknown[], shared: boolean): void {
    if (this.#finished || this.#ending !== undefined || !Array.isArray(values)) return
    const decoded = shared ? (decodeShared(values, FROM_THREAD) as unknown[]) : values
    this.#producerCredits -= decoded.length
    for (const value of decoded) {
      const waiter = this.#waiters.shift()
      if (waiter !== undefined || this.#discarding) {
        this.#consumed()
        waiter?.resolve({ value, done: false })
      } else this.#buffer.push(value)
    }
    this.#checkDemand()
  }

  /** The producer ended: with its return value, or its error (after the values before it). */
  end(ending: Ending): void {
    if (this.#ending !== undefined || this.#finished) return
    this.#ending = ending
    if (this.#head === this.#buffer.length) this.#settleWaiters()
  }

  /** Drops what is buffered and every value still to come, granting credits at once, so the producer runs to its end. */
  discard(): void {
    this.#discarding = true
    while (this.#head < this.#buffer.length) this.#take()
  }

  next(): Promise<IteratorResult<T, R | undefined>> {
    if (this.#head < this.#buffer.length) return Promise.resolve({ value: this.#take() as T, done: false })
    if (this.#finished) return Promise.resolve({ value: undefined, done: true })
    if (this.#ending !== undefined) return this.#handOutEnding() as Promise<IteratorResult<T, R | undefined>>
    const waiting = new Promise<IteratorResult<T, R | undefined>>((resolve, reject) =>
      this.#waiters.push({ resolve: resolve as Waiter["resolve"], reject }),
    )
    this.#checkDemand()
    return waiting
  }

  /** Stops the producer (its finally blocks run) and resolves once it has stopped. */
  async return(): Promise<IteratorResult<T, R | undefined>> {
    const running = !this.#finished && this.#ending === undefined
    this.#finished = true
    this.#buffer = []
    this.#head = 0
    for (const waiter of this.#waiters.splice(0)) waiter.resolve({ value: undefined, done: true })
    if (running) await this.#control.stop()
    return { value: undefined, done: true }
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  #take(): unknown {
    const value = this.#buffer[this.#head]
    this.#buffer[this.#head++] = undefined
    if (this.#head === this.#buffer.length) {
      this.#buffer = []
      this.#head = 0
    }
    this.#consumed()
    return value
  }

  #consumed(): void {
    const grant = this.#window.read()
    if (grant > 0 && this.#ending === undefined && !this.#finished) {
      this.#producerCredits += grant
      this.#control.grant(grant)
      this.#checkDemand()
    }
  }

  #checkDemand(): void {
    const needed = this.#producerCredits > 0 || this.#waiters.length > 0 || this.#discarding
    if (needed === this.#needed || this.#control.demand === undefined) return
    this.#needed = needed
    this.#control.demand(needed)
  }

  #handOutEnding(): Promise<IteratorResult<unknown, unknown>> {
    const ending = this.#ending!
    this.#finished = true
    return ending.ok ? Promise.resolve({ value: ending.value, done: true }) : Promise.reject(ending.error)
  }

  #settleWaiters(): void {
    const waiters = this.#waiters.splice(0)
    if (waiters.length === 0) return
    const ending = this.#ending!
    this.#finished = true
    if (ending.ok) waiters[0]!.resolve({ value: ending.value, done: true })
    else waiters[0]!.reject(ending.error)
    for (const waiter of waiters.slice(1)) waiter.resolve({ value: undefined, done: true })
  }
}
