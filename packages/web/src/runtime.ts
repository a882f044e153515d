import type { Endpoint, Runtime, SpawnOptions, WorkerHandle } from "@weft/core/adapter"
import { currentConfig } from "./config.js"
import type { WebThreadOptions } from "./options.js"
import { terminateOnPageHide, webWorkerHandle } from "./worker-handle.js"
import { inDedicatedWorker, onWorkerExit, workerEndpoint } from "./worker-scope.js"

function defaultWorker(): Worker {
  // Written as one literal so bundlers (Vite, webpack, Parcel, esbuild plugins) see the entry
  // and emit it.
  return new Worker(new URL("./worker.js", import.meta.url), { type: "module" })
}

const loadFailure = (custom: boolean) => () =>
  custom
    ? "the worker from createWorker() failed to load: check its URL, that the bundler emitted it, and that the page's Content-Security-Policy (worker-src) allows it"
    : `weft's worker entry (${new URL("./worker.js", import.meta.url).href}) failed to load: check that your bundler emitted it and that the Content-Security-Policy (worker-src) allows it, or pass configureWeb({ createWorker })`

const hasWaitAsync = typeof (Atomics as { waitAsync?: unknown }).waitAsync === "function"
const isolated = typeof SharedArrayBuffer === "function" && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true

let parentEndpoint: Endpoint | undefined

/** The browser adapter (module Web Workers); importing `@weft/web` binds core to it. */
export const webRuntime: Runtime = {
  name: "web",
  capabilities: {
    // SharedArrayBuffer can be posted to a worker only on a cross-origin-isolated page (COOP/COEP).
    sharedMemory: isolated,
    // Atomics.wait throws on a page's main thread; dedicated workers may block.
    blockingWait: inDedicatedWorker(),
    asyncWait: hasWaitAsync,
  },
  spawn({ name, options }: SpawnOptions): WorkerHandle {
    const own = (options as WebThreadOptions | undefined)?.createWorker
    const createWorker = own ?? currentConfig().createWorker
    const worker = createWorker === undefined ? defaultWorker() : createWorker({ name })
    if (typeof Worker === "function" && !(worker instanceof Worker)) {
      throw new TypeError(`createWorker() must return a Worker, got ${worker === null ? "null" : typeof worker}`)
    }
    terminateOnPageHide()
    return webWorkerHandle({ worker, describeLoadFailure: loadFailure(createWorker !== undefined) })
  },
  parent(): Endpoint | undefined {
    if (!inDedicatedWorker()) return undefined
    parentEndpoint ??= workerEndpoint()
    return parentEndpoint
  },
  // Inside a worker, no spare: there Firefox's new Worker() runs a synchronous loop on the calling
  // thread that can hang for good when another worker starts or ends at the same moment, and a
  // spare doubles those calls. A thread started from a worker gets a fresh worker instead.
  spareWorker: !inDedicatedWorker(),
  availableParallelism: () => (typeof navigator === "object" && navigator.hardwareConcurrency) || 4,
  onExit: onWorkerExit,
}
