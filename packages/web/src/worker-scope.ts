import type { Endpoint, MessageListener } from "@weft/core/adapter"

// The worker side of the link: the dedicated worker's global scope as an Endpoint. A browser
// worker has no exit event, so a worker that ends itself announces it with an envelope.

export const EXIT = "weft:web-exit"
export type ExitNotice = { readonly [EXIT]: null }

export function isExitNotice(data: unknown): data is ExitNotice {
  return typeof data === "object" && data !== null && EXIT in data
}

const exitHooks: (() => void)[] = []

/** Runs `hook` when this worker ends itself (close(), an uncaught error), before the parent hears of it. */
export function onWorkerExit(hook: () => void): void {
  exitHooks.push(hook)
}

function runExitHooks(): void {
  for (const hook of exitHooks.splice(0)) {
    try {
      hook()
    } catch {
      // The worker is ending either way; the notice must still go out.
    }
  }
}

interface DedicatedScope {
  postMessage(message: unknown, transfer?: Transferable[]): void
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void
  addEventListener(type: "error", listener: () => void): void
  close(): void
}

/** True inside a dedicated worker, false on a page (and in shared or service workers). */
export function inDedicatedWorker(): boolean {
  const Scope = (globalThis as { DedicatedWorkerGlobalScope?: abstract new () => object }).DedicatedWorkerGlobalScope
  return typeof Scope === "function" && globalThis instanceof Scope
}

export function workerEndpoint(): Endpoint {
  const scope = globalThis as unknown as DedicatedScope
  const listeners = new Set<MessageListener>()
  scope.addEventListener("message", (event) => {
    for (const listener of listeners) listener(event.data)
  })
  // self.close() ends a worker silently, and only after the running script and its microtasks
  // finish, so the next queued job would start. Wrapped so it behaves like process.exit(): the
  // parent hears of it (after every message posted before), and nothing else runs here while
  // the parent terminates the worker.
  // An uncaught error ends the worker too (the parent's handle treats it as fatal): hooks first.
  scope.addEventListener("error", () => runExitHooks())
  const close = scope.close.bind(scope)
  scope.close = () => {
    runExitHooks()
    scope.postMessage({ [EXIT]: null } satisfies ExitNotice)
    close()
    haltUntilTerminated()
  }
  return {
    post: (message, transfer) => scope.postMessage(message, (transfer ?? []) as Transferable[]),
    listen(onMessage) {
      listeners.add(onMessage)
      return () => listeners.delete(onMessage)
    },
    close: () => scope.close(),
  }
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
