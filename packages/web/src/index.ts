import { setRuntime } from "@weft/core/adapter"
import { webRuntime } from "./runtime.js"

setRuntime(webRuntime)

export * from "@weft/core"
export { configureWeb } from "./config.js"
export type { CreateWorker, CreateWorkerContext, WebConfig, WebThreadOptions } from "./options.js"
