import { setRuntime } from "@weft/core"
import { webRuntime } from "./runtime.js"

setRuntime(webRuntime)

export * from "@weft/core"
export { webRuntime } from "./runtime.js"
export { configureWeb } from "./config.js"
export type { CreateWorker, CreateWorkerContext, WebConfig, WebThreadOptions } from "./options.js"
