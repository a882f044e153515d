import type { MessageListener, WorkerExit, WorkerHandle } from "../runtime.js"

// The parent's handle on a Web Worker (browsers, Deno), written once. Such a worker reports no
// exit of its own: it ends by terminate(), by an exit notice it posts itself (see
// scope-endpoint.ts), or by an error the adapter treats as fatal. The adapter wires its worker's
// events to receive() and end(), and gives the hooks where platforms differ.

/** How the handle reaches the platform's worker object. */
export interface WorkerPort {
  /** Sends a message to the worker, moving the objects in `transfer`. */
  post(message: unknown, transfer: readonly object[]): void
  /** Stops the worker at once. */
  terminate(): void
}

/** What differs between platforms. */
export interface WorkerHandleHooks {
  /** The exit a message announces if it is the worker's exit notice, else `undefined`. */
  readonly exitNotice: (data: unknown) => WorkerExit | undefined
  /**
   * Whether a message that arrives after the end is dropped. A browser worker keeps running after
   * an uncaught error, so what it posts then (a next job) must not count; a Deno worker's results
   * may arrive after its error event and still count.
   */
  readonly dropAfterEnd: boolean
  /** Runs once, when the worker has ended. */
  readonly onEnd?: () => void
  /** Refs or unrefs the worker where the platform can; without it ref()/unref() do nothing. */
  readonly setRef?: (refed: boolean) => void
}

/** A WorkerHandle over a message-posting worker; the adapter feeds it the worker's events. */
export class PostedWorkerHandle implements WorkerHandle {
  readonly exited: Promise<WorkerExit>
  readonly #port: WorkerPort
  readonly #hooks: WorkerHandleHooks
  readonly #listeners = new Set<MessageListener>()
  #settle!: (exit: WorkerExit) => void
  #ended = false
  #refed = true

  constructor(port: WorkerPort, hooks: WorkerHandleHooks) {
    this.exited = new Promise((resolve) => (this.#settle = resolve))
    this.#port = port
    this.#hooks = hooks
  }

  /** A message from the worker: its exit notice ends the handle, anything else goes to the listeners. */
  receive(data: unknown): void {
    if (this.#ended && this.#hooks.dropAfterEnd) return
    const exit = this.#hooks.exitNotice(data)
    if (exit !== undefined) return this.end(exit)
    for (const listener of this.#listeners) listener(data)
  }

  /** The worker is gone (or must be): terminates it and settles `exited`, once. */
  end(exit: WorkerExit): void {
    if (this.#ended) return
    this.#ended = true
    this.#hooks.onEnd?.()
    this.#port.terminate()
    this.#settle(exit)
  }

  post(message: unknown, transfer?: readonly object[]): void {
    this.#port.post(message, transfer ?? [])
  }
  listen(onMessage: MessageListener): () => void {
    this.#listeners.add(onMessage)
    return () => this.#listeners.delete(onMessage)
  }
  close(): void {
    void this.terminate()
  }
  async terminate(): Promise<void> {
    this.end({ code: null })
    await this.exited
  }
  ref(): void {
    this.#setRef(true)
  }
  unref(): void {
    this.#setRef(false)
  }
  #setRef(refed: boolean): void {
    if (this.#hooks.setRef === undefined || this.#refed === refed || this.#ended) return
    this.#refed = refed
    this.#hooks.setRef(refed)
  }
}
