// A Thread's stream, on the caller's side: the values its generator target yields (`values()`,
// `for await (const v of thread)`) and the values it passes to `progress()` (`onProgress`). The
// Thread keeps one of these and forwards the worker's messages to it.
import type { FromWorker, ToWorker } from "./protocol.js"
import { decodeShared } from "./shareable.js"
import { FROM_THREAD } from "./shared-record.js"
import { highWaterMarkOf } from "./stream/credit-window.js"
import { ValueStream } from "./stream/value-stream.js"

export interface ThreadStreamOptions {
  readonly highWaterMark?: number
  readonly onProgress?: (value: never) => void
}

export class ThreadStream {
  readonly highWaterMark: number
  readonly #onProgress: ((value: unknown) => void) | undefined
  #post: ((message: ToWorker) => void) | undefined = undefined
  #id = 0
  #values: ValueStream | undefined = undefined
  /** values() was asked for: the values are kept for it (else join() drops them). */
  #read = false
  #ending: { ok: true; value: unknown } | { ok: false; error: unknown } | undefined = undefined

  constructor(options: ThreadStreamOptions) {
    this.highWaterMark = highWaterMarkOf(options.highWaterMark)
    const onProgress = options.onProgress
    if (onProgress !== undefined && typeof onProgress !== "function")
      throw new TypeError(`onProgress must be a function (value) => void, got ${typeof onProgress}`)
    this.#onProgress = onProgress as ((value: unknown) => void) | undefined
  }

  get listensToProgress(): boolean {
    return this.#onProgress !== undefined
  }

  /** The thread started: how to reach its worker. */
  attach(post: (message: ToWorker) => void, id: number): void {
    this.#post = post
    this.#id = id
  }

  /** The values the thread's generator yields; its return value ends them. */
  values<T, R>(): ValueStream<T, R> {
    this.#read = true
    return this.#stream() as ValueStream<T, R>
  }

  /** A worker message for the stream; true when it was one. */
  receive(message: FromWorker): boolean {
    if (message.t === "yield") {
      if (message.id === this.#id) this.#stream().push(message.values, message.shared === true)
      return true
    }
    if (message.t === "progress") {
      if (message.id === this.#id && this.#onProgress !== undefined) this.#progress(message.values, message.shared === true)
      return true
    }
    return false
  }

  /** join() without values(): nobody will read the values, so they are dropped and the generator runs to its end. */
  joined(): void {
    if (!this.#read) this.#stream().discard()
  }

  /** The thread settled: the stream ends with the same outcome as join(). */
  ended(ending: { ok: true; value: unknown } | { ok: false; error: unknown }): void {
    this.#ending = ending
    this.#values?.end(ending)
    this.#post = undefined
  }

  #stream(): ValueStream {
    if (this.#values === undefined) {
      this.#values = new ValueStream(this.highWaterMark, {
        grant: (n) => this.#post?.({ t: "credit", id: this.#id, n }),
        stop: () => this.#post?.({ t: "stop", id: this.#id }),
      })
      if (this.#ending !== undefined) this.#values.end(this.#ending)
    }
    return this.#values
  }

  #progress(values: readonly unknown[], shared: boolean): void {
    const decoded = shared ? (decodeShared(values, FROM_THREAD) as unknown[]) : values
    for (const value of decoded) callListener(this.#onProgress!, value)
  }
}

/** Calls a progress listener; what it throws is reported like an event listener's error, not swallowed and not in weft's way. */
export function callListener(listener: (value: unknown) => void, value: unknown): void {
  try {
    listener(value)
  } catch (error) {
    queueMicrotask(() => {
      throw error
    })
  }
}
