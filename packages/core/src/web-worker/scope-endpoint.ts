import type { Endpoint, MessageListener } from "../runtime.js"
import type { ExitHooks } from "./exit-hooks.js"

// Inside a Web Worker (browsers, Deno): the worker's global scope as its Endpoint to the parent.
// Such a worker has no exit event the parent sees, so one that ends itself says so: close() is
// wrapped to run the exit hooks and post the platform's exit notice (after every message posted
// before it) first. An uncaught error ends the worker too (the parent's handle treats it as
// fatal): the hooks run on it as well.

/** The members of a worker's global scope this uses (a dedicated worker's, or Deno's). */
export interface WorkerScope {
  /** Sends a message to the parent, moving the objects in `transfer`. */
  postMessage(message: unknown, transfer?: object[]): void
  /** Calls `listener` with each message from the parent. */
  addEventListener(type: "message", listener: (event: { readonly data: unknown }) => void): void
  /** Calls `listener` when an error escapes the worker's code. */
  addEventListener(type: "error", listener: () => void): void
  /** Ends the worker from inside. */
  close(): void
}

/** Where platforms differ. */
export interface ScopeEndpointHooks {
  /** The exit notice close() posts (the parent's handle recognises it). */
  readonly closeNotice: unknown
  /** The hooks that run before the notice (the adapter's `Runtime.onExit` adds to them). */
  readonly exitHooks: ExitHooks
  /** Runs after the worker has closed itself (a browser parks it until the parent terminates it). */
  readonly afterClose?: () => void
}

/** Builds this worker's Endpoint to its parent; call once per worker. */
export function scopeEndpoint(scope: WorkerScope, { closeNotice, exitHooks, afterClose }: ScopeEndpointHooks): Endpoint {
  const listeners = new Set<MessageListener>()
  scope.addEventListener("message", (event) => {
    for (const listener of listeners) listener(event.data)
  })
  scope.addEventListener("error", () => exitHooks.run())
  // close() ends a worker silently, and only after the running script and its microtasks
  // finish; wrapped so it behaves like process.exit(): the parent hears of it.
  const close = scope.close.bind(scope)
  scope.close = () => {
    exitHooks.run()
    scope.postMessage(closeNotice)
    close()
    afterClose?.()
  }
  return {
    post: (message, transfer) => scope.postMessage(message, (transfer ?? []) as object[]),
    listen(onMessage) {
      listeners.add(onMessage)
      return () => listeners.delete(onMessage)
    },
    close: () => scope.close(),
  }
}
