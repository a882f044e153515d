/**
 * weft on Deno's module workers: everything in `@weft/core`, bound to the Deno runtime, with per-thread permissions.
 * @module @weft/deno
 */
import { setRuntime } from "@weft/core/adapter"
import { registerDenoErrors } from "./deno-errors.js"
import { denoRuntime } from "./runtime.js"

setRuntime(denoRuntime)
registerDenoErrors()

export * from "@weft/core"
export type { DenoPermissions, DenoPermissionValue, DenoThreadOptions } from "./options.js"
