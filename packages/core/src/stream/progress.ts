// `currentThread().progress(value)`: a task tells its caller how far it got. Inside the worker a
// thread carries a sink only when its caller listens (an `onProgress` option); without one,
// progress() is a map lookup and nothing else. Values are batched like a stream's: a batch goes
// out when it is full, when it is old, at the task's next await, and before the task's result.
import { encodeShared } from "../shareable.js"
import { unwrapTransfer } from "./transfer-marker.js"

const MAX_BATCH = 256
const MAX_AGE_MS = 4

export type SendProgress = (values: unknown[], shared: boolean, transfer: object[] | undefined) => void

const sinks = new WeakMap<object, ProgressBatch>()

/** The progress sink of a task's thread object, if its caller listens. */
export function progressSinkOf(thread: object): ProgressBatch | undefined {
  return sinks.get(thread)
}

/** Gives `thread` (the worker's copy of the running task's thread) a sink. */
export function attachProgress(thread: object, batch: ProgressBatch): void {
  sinks.set(thread, batch)
}

export class ProgressBatch {
  readonly #send: SendProgress
  #values: unknown[] = []
  #transfer: object[] = []
  #since = 0
  #scheduled = false
  #closed = false
  /** A batch sent from a microtask failed: the task's next progress() call throws it. */
  #failure: unknown = undefined

  constructor(send: SendProgress) {
    this.#send = send
  }

  push(value: unknown): void {
    if (this.#closed) return
    if (this.#failure !== undefined) {
      const failure = this.#failure
      this.#failure = undefined
      throw failure
    }
    const values = this.#values
    values.push(unwrapTransfer(value, this.#transfer))
    if (values.length === 1) {
      this.#since = performance.now()
      if (!this.#scheduled) {
        this.#scheduled = true
        queueMicrotask(() => {
          this.#scheduled = false
          try {
            this.flush()
          } catch (error) {
            this.#failure = error
          }
        })
      }
    } else if (values.length >= MAX_BATCH || performance.now() - this.#since > MAX_AGE_MS) this.flush()
  }

  /** Sends what is held. A value that cannot be sent is reported to the task as a TypeError. */
  flush(): void {
    const values = this.#values
    if (values.length === 0) return
    const transfer = this.#transfer
    this.#values = []
    this.#transfer = []
    try {
      const encoded = encodeShared(values)
      this.#send(encoded.value as unknown[], encoded.shared, transfer.length > 0 ? transfer : undefined)
    } catch (error) {
      throw new TypeError(
        `a progress value cannot be sent to the caller (${error instanceof Error ? error.message : String(error)}): pass structured-cloneable data to progress()`,
        { cause: error },
      )
    }
  }

  /** The task ended: send what is held; later calls (a leftover timer of the task) are dropped. */
  close(): void {
    this.#closed = true
    try {
      this.flush()
    } catch {
      // the task has ended; its result says how it went
    }
  }
}
