// The producer's half of a stream, in the worker: runs a generator while it has credits, sends
// what it yields in batches, pauses when the credits are spent (a paused consumer pauses the
// generator) and closes it with return() when the consumer stops, so its `finally` blocks run.
//
// A batch goes out when the credits run out, when it is full (MAX_BATCH), before an async
// generator awaits something real, when the generator ends, with the first value after a pause
// (the reader may be waiting for it), and as soon as a value took long to produce (batching would
// only delay it): a fast generator sends few messages, a slow one sends each value at once. A
// value a sync generator yields right before a long synchronous stretch waits for the next
// value, or for the credits to run out.
import { encodeShared } from "../shareable.js"
import { unwrapTransfer } from "./transfer-marker.js"

/** The most values in one message. */
export const MAX_BATCH = 512
/** A value that took longer than this (ms) to produce is sent at once. */
const SLOW_VALUE_MS = 0.2
/** An async generator's next() that settles within this many microtask turns did not await anything real (its own yield takes two). */
const QUICK_TURNS = 4

/** How a driver sends one batch; `shared` says whether `values` hold tagged primitives. */
export type SendBatch = (values: unknown[], shared: boolean, transfer: object[] | undefined) => void

/** The errors flush() throws, told apart from the generator's own. */
const unsendable = new WeakSet<object>()

type AnyGenerator = Generator<unknown, unknown, undefined> | AsyncGenerator<unknown, unknown, undefined>

/** True for the object a `function*` or `async function*` returns. */
export function isGeneratorObject(value: unknown): value is AnyGenerator {
  if (typeof value !== "object" || value === null) return false
  const tag = Object.prototype.toString.call(value)
  return tag === "[object Generator]" || tag === "[object AsyncGenerator]"
}

export class StreamDriver {
  readonly #send: SendBatch
  #credits: number
  #stopped = false
  #wake: (() => void) | undefined = undefined
  #batch: unknown[] = []
  #transfer: object[] = []
  #last = 0
  /** No value went out since the start or the last pause for credits. */
  #fresh = true

  constructor(credits: number, send: SendBatch) {
    this.#credits = credits
    this.#send = send
  }

  /** The consumer read values: the generator may run ahead by `n` more. */
  grant(n: number): void {
    if (!(n > 0)) return
    this.#credits += n
    this.#wakeUp()
  }

  /** The consumer stopped: the generator is closed at its next yield (or now, while paused). */
  stop(): void {
    this.#stopped = true
    this.#wakeUp()
  }

  get stopped(): boolean {
    return this.#stopped
  }

  /** Runs `generator` to its end (or its stop) and resolves with its return value; rejects with its error, after every value it yielded went out. */
  async drive(generator: AnyGenerator): Promise<unknown> {
    try {
      this.#last = performance.now()
      for (;;) {
        if (this.#stopped) {
          this.flush()
          return (await generator.return(undefined)).value
        }
        if (this.#credits <= 0) {
          this.flush()
          await new Promise<void>((resolve) => (this.#wake = resolve))
          this.#last = performance.now()
          this.#fresh = true
          continue
        }
        let step = generator.next()
        if (step instanceof Promise) step = await this.#settle(step)
        if (step.done) {
          this.flush()
          return step.value
        }
        this.#push(step.value)
      }
    } catch (error) {
      if (unsendable.has(error as object)) {
        // The generator is still open: close it, so its finally blocks run, and report the value.
        try {
          await generator.return(undefined)
        } catch {
          // its own error while closing loses to the one that stopped it
        }
        throw error
      }
      this.flush() // the generator threw: what it yielded before goes out before its error
      throw error
    } finally {
      this.#wake = undefined
    }
  }

  /**
   * An async generator's next value: one that settles within a few microtask turns did not wait
   * for anything, and stays in the batch; one that takes longer is awaiting something real, so
   * what is held goes out first rather than waiting with it.
   */
  async #settle<S>(step: Promise<S>): Promise<S> {
    if (this.#batch.length > 0) {
      let settled = false
      const mark = (): void => {
        settled = true
      }
      step.then(mark, mark)
      for (let turn = 0; turn < QUICK_TURNS && !settled; turn++) await null
      if (!settled) this.flush()
    }
    return step
  }

  #push(value: unknown): void {
    this.#credits--
    const batch = this.#batch
    batch.push(unwrapTransfer(value, this.#transfer))
    const now = performance.now()
    // The first value after a pause goes at once (a reader may be waiting for it), and so does one that was slow to come.
    const send = this.#fresh || now - this.#last > SLOW_VALUE_MS
    this.#fresh = false
    this.#last = now
    if (send || this.#credits <= 0 || batch.length >= MAX_BATCH) this.flush()
  }

  /** Sends the values held; throws a TypeError naming the problem when one cannot be sent. */
  flush(): void {
    const values = this.#batch
    if (values.length === 0) return
    const transfer = this.#transfer
    this.#batch = []
    this.#transfer = []
    let encoded: { value: unknown; shared: boolean }
    try {
      encoded = encodeShared(values)
      this.#send(encoded.value as unknown[], encoded.shared, transfer.length > 0 ? transfer : undefined)
    } catch (error) {
      const failure = new TypeError(
        `a value the generator yielded cannot be sent to its consumer (${error instanceof Error ? error.message : String(error)}): yield structured-cloneable data`,
        { cause: error },
      )
      unsendable.add(failure)
      throw failure
    }
  }

  #wakeUp(): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }
}
