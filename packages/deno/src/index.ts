import { setRuntime } from "@weft/core"
import { registerDenoErrors } from "./deno-errors.js"
import { denoRuntime } from "./runtime.js"

setRuntime(denoRuntime)
registerDenoErrors()

export * from "@weft/core"
export { denoRuntime } from "./runtime.js"
export type { DenoPermissions, DenoPermissionValue, DenoThreadOptions } from "./options.js"
