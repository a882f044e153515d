import { PostedWorkerHandle, type WorkerHandle } from "@weft/core/adapter"
import { isExitNotice } from "./worker-scope.js"

// The page's (or a parent worker's) handle on a browser Worker: core's PostedWorkerHandle with
// the browser's hooks. A browser reports no exit: a worker ends by terminate(), by announcing
// self.close(), or by an error the adapter treats as fatal, as Node does. A message that cannot
// be deserialized ends it too, so a result lost on the way never leaves join() pending. A browser
// has no process to keep alive: ref()/unref() do nothing.

export interface StartedWorker {
  readonly worker: Worker
  /** The message for a worker whose script never loaded. */
  readonly describeLoadFailure: () => string
}

/** Every live worker of this page, terminated when the page goes away. */
const live = new Set<WorkerHandle>()

export function webWorkerHandle({ worker, describeLoadFailure }: StartedWorker): WorkerHandle {
  const handle: PostedWorkerHandle = new PostedWorkerHandle(
    { post: (message, transfer) => worker.postMessage(message, transfer as Transferable[]), terminate: () => worker.terminate() },
    {
      exitNotice: (data) => (isExitNotice(data) ? { code: null } : undefined),
      // The worker runs on after an uncaught error: nothing it posts after its end counts.
      dropAfterEnd: true,
      onEnd: () => live.delete(handle),
    },
  )
  worker.onmessage = (event: MessageEvent) => handle.receive(event.data)
  worker.onmessageerror = () =>
    handle.end({ code: null, error: new Error("a message from the worker could not be deserialized on this side") })
  worker.onerror = (event: Event) => {
    // Keeps the error out of the page's console as "uncaught"; the thread reports it instead.
    event.preventDefault()
    // An ErrorEvent is an uncaught error inside the worker; a bare Event means its script never loaded.
    const error =
      event instanceof ErrorEvent && event.message
        ? ((event.error as unknown) ?? new Error(event.message))
        : new Error(describeLoadFailure())
    handle.end({ code: null, error })
  }
  live.add(handle)
  return handle
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
