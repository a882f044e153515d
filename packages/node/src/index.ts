import { setRuntime } from "@weft/core/adapter"
import { nodeRuntime } from "./runtime.js"

setRuntime(nodeRuntime)

export * from "@weft/core"
export type { NodeThreadOptions } from "./runtime.js"
