// What an adapter needs from core and a user never does: binding core to a runtime, the worker
// entry's one call, and the seam's types. Published as `@weft/core/adapter`, so `export *` from
// an adapter's entry does not carry any of it to users.
export type { Capabilities, Endpoint, MessageListener, Runtime, SpawnOptions, WorkerExit, WorkerHandle } from "./runtime.js"
export { hasRuntime, setRuntime } from "./runtime.js"
export { serveWorker } from "./worker/serve-worker.js"
export { discardSpareWorker } from "./spare-worker.js"
export { markSharedInUse, registerShareable, toShared, type Shareable, type SharedDecoder, type SharedRecord, type DecodeContext } from "./shared-record.js"
