import type { MessageListener, WorkerExit, WorkerHandle } from "@weft/core/adapter"
import { isExitNotice } from "./worker-scope.js"

// The page's (or a parent worker's) handle on a browser Worker. Browsers report no exit: a
// worker ends by terminate(), by announcing self.close(), or by an error the adapter treats as
// fatal, as Node does. A message that cannot be deserialized ends it too, so a result lost on
// the way never leaves join() pending.

export interface StartedWorker {
  readonly worker: Worker
  /** The message for a worker whose script never loaded. */
  readonly describeLoadFailure: () => string
}

/** Every live worker of this page, terminated when the page goes away. */
const live = new Set<WebWorkerHandle>()

export class WebWorkerHandle implements WorkerHandle {
  readonly exited: Promise<WorkerExit>
  readonly #listeners = new Set<MessageListener>()
  readonly #worker: Worker
  #settle!: (exit: WorkerExit) => void
  #ended = false

  constructor({ worker, describeLoadFailure }: StartedWorker) {
    this.exited = new Promise((resolve) => (this.#settle = resolve))
    this.#worker = worker
    worker.onmessage = (event: MessageEvent) => {
      // Nothing the worker posted after its end counts (a job it started while closing).
      if (this.#ended) return
      if (isExitNotice(event.data)) return this.#end({ code: null })
      for (const listener of this.#listeners) listener(event.data)
    }
    worker.onmessageerror = () => this.#end({ code: null, error: new Error("a message from the worker could not be deserialized on this side") })
    worker.onerror = (event: Event) => {
      // Keeps the error out of the page's console as "uncaught"; the thread reports it instead.
      event.preventDefault()
      // An ErrorEvent is an uncaught error inside the worker; a bare Event means its script never loaded.
      const error = event instanceof ErrorEvent && event.message ? ((event.error as unknown) ?? new Error(event.message)) : new Error(describeLoadFailure())
      this.#end({ code: null, error })
    }
    live.add(this)
  }
  #end(exit: WorkerExit): void {
    if (this.#ended) return
    this.#ended = true
    live.delete(this)
    this.#worker.terminate()
    this.#settle(exit)
  }
  post(message: unknown, transfer?: readonly object[]): void {
    this.#worker.postMessage(message, (transfer ?? []) as Transferable[])
  }
  listen(onMessage: MessageListener): () => void {
    this.#listeners.add(onMessage)
    return () => this.#listeners.delete(onMessage)
  }
  close(): void {
    void this.terminate()
  }
  async terminate(): Promise<void> {
    this.#end({ code: null })
    await this.exited
  }
  // A browser has no process to keep alive: daemon and non-daemon workers both live until they
  // end, are terminated, or their page goes away.
  ref(): void {}
  unref(): void {}
}

let watching = false

/** Terminates every worker when the page is discarded. A page kept in the back/forward cache keeps its threads, frozen with it. */
export function terminateOnPageHide(): void {
  if (watching || typeof addEventListener !== "function" || typeof document === "undefined") return
  watching = true
  addEventListener("pagehide", (event) => {
    if ((event as PageTransitionEvent).persisted) return
    for (const handle of [...live]) void handle.terminate()
  })
}
