import { type Endpoint, ExitHooks, scopeEndpoint, type WorkerScope } from "@weft/core/adapter"

// The worker side of the link: the dedicated worker's global scope as an Endpoint (core's
// scopeEndpoint). A browser worker has no exit event, so a worker that ends itself announces it
// with an envelope.

export const EXIT = "weft:web-exit"
export type ExitNotice = { readonly [EXIT]: null }

export function isExitNotice(data: unknown): data is ExitNotice {
  return typeof data === "object" && data !== null && EXIT in data
}

const exitHooks = new ExitHooks()

/** Runs `hook` when this worker ends itself (close(), an uncaught error), before the parent hears of it. */
export function onWorkerExit(hook: () => void): void {
  exitHooks.add(hook)
}

/** True inside a dedicated worker, false on a page (and in shared or service workers). */
export function inDedicatedWorker(): boolean {
  const Scope = (globalThis as { DedicatedWorkerGlobalScope?: abstract new () => object }).DedicatedWorkerGlobalScope
  return typeof Scope === "function" && globalThis instanceof Scope
}

export function workerEndpoint(): Endpoint {
  // self.close() takes effect only after the running script and its microtasks finish, so the
  // next queued job would start: the worker parks until the parent, told by the notice, terminates it.
  return scopeEndpoint(globalThis as unknown as WorkerScope, {
    closeNotice: { [EXIT]: null } satisfies ExitNotice,
    exitHooks,
    afterClose: haltUntilTerminated,
  })
}

/** Parks this worker for good; the parent terminates it on the exit notice. */
function haltUntilTerminated(): never {
  if (typeof SharedArrayBuffer === "function") {
    const never = new Int32Array(new SharedArrayBuffer(4))
    for (;;) Atomics.wait(never, 0, 0)
  }
  // No shared memory (a page that is not cross-origin isolated): spin until terminated.
  for (;;) {}
}
