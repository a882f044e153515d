import { setRuntime } from "@weft/core/adapter"
import { registerDenoErrors } from "./deno-errors.js"
import { denoRuntime } from "./runtime.js"

setRuntime(denoRuntime)
registerDenoErrors()

export * from "@weft/core"
export type { DenoPermissions, DenoPermissionValue, DenoThreadOptions } from "./options.js"
