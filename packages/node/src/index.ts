/**
 * weft on Node.js (and Bun) `worker_threads`: everything in `@weft/core`, bound to the Node runtime.
 * @module @weft/node
 */
import { setRuntime } from "@weft/core/adapter"
import { nodeRuntime } from "./runtime.js"

setRuntime(nodeRuntime)

export * from "@weft/core"
export type { NodeThreadOptions } from "./runtime.js"
