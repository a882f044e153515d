import { setRuntime } from "@weft/core"
import { nodeRuntime } from "./runtime.js"

setRuntime(nodeRuntime)

export * from "@weft/core"
export { nodeRuntime, type NodeThreadOptions } from "./runtime.js"
