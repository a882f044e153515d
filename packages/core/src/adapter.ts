/**
 * For adapter authors: binding core to a runtime (`setRuntime`), the worker entry's `serveWorker`,
 * the `Runtime` seam's types and the shared-primitive registry. Apps never import it.
 * @module @weft/core/adapter
 */
// What an adapter needs from core and a user never does: binding core to a runtime, the worker
// entry's one call, and the seam's types. Published as `@weft/core/adapter`, so `export *` from
// an adapter's entry does not carry any of it to users.
export type { Capabilities, Endpoint, MessageListener, Runtime, SpawnOptions, WorkerExit, WorkerHandle } from "./runtime.js"
export { hasRuntime, setRuntime } from "./runtime.js"
// For other executors (@weft/bullmq): the run/submit checks ThreadPool makes, with the same words.
export { captureSite, checkRunOptions, checkTaskArgs, checkTimeout } from "./pool/task-checks.js"
export { serveWorker } from "./worker/serve-worker.js"
export { discardSpareWorker } from "./spare-worker.js"
export {
  markSharedInUse,
  registerShareable,
  toShared,
  type Shareable,
  type SharedDecoder,
  type SharedRecord,
  type DecodeContext,
} from "./shared-record.js"
// For other executors (@weft/bullmq): the error transport, the registry by key, and map's windowing.
export { type CallerSite, callerStackOf, serializeThrown, deserializeThrown, type WireThrown, type WireError } from "./error-transport.js"
export { registrationOf, lookup as lookupRegistered } from "./registry.js"
export { importTaskModule } from "./runtime.js"
export { isThenable } from "./is-thenable.js"
export { mapTasks, type MapSubmitter } from "./pool/map.js"
// For adapters over Web Workers (browsers, Deno): the parent's handle, the worker's endpoint and
// its exit hooks, written once; an adapter supplies only what its platform does differently.
export { PostedWorkerHandle, type WorkerPort, type WorkerHandleHooks } from "./web-worker/worker-handle.js"
export { scopeEndpoint, type WorkerScope, type ScopeEndpointHooks } from "./web-worker/scope-endpoint.js"
export { ExitHooks } from "./web-worker/exit-hooks.js"
