import { cloneKeepingShared } from "../clone-shared.js"
import { describe } from "../registry.js"
import { encodeShared } from "../shareable.js"
import { validateArgs } from "../object-state.js"

/** True when no argument needs cloning (numbers, strings, booleans, null, undefined, bigints). */
export function allPrimitive(args: readonly unknown[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (typeof arg === "object" ? arg !== null : typeof arg === "function" || typeof arg === "symbol") return false
  }
  return true
}

/** A queued task owns a copy of its arguments (the transfer list is detached now), checked one by one for a clear error. */
export function cloneArgs(
  args: readonly unknown[],
  transfer: readonly object[] | undefined,
  label: string,
): { args: unknown; transfer: object[] | undefined; shared: boolean } {
  if (transfer !== undefined && !Array.isArray(transfer))
    throw new TypeError(`transfer of ${label} must be an array, got ${describe(transfer)}`)
  let encoded: { value: unknown; shared: boolean }
  try {
    encoded = encodeShared(args)
  } catch {
    validateArgs(args, label) // throws, naming the argument that cannot be walked
    throw new TypeError(`the arguments of ${label} cannot be sent between threads: pass structured-cloneable data`)
  }
  const { value, shared } = encoded
  try {
    if (transfer === undefined || transfer.length === 0) return { args: cloneKeepingShared(value), transfer: undefined, shared }
    const moved = cloneKeepingShared({ value, transfer }, { transfer: transfer as unknown[] })
    return { args: moved.value, transfer: moved.transfer as object[], shared }
  } catch (error) {
    validateArgs(args, label) // throws, naming the argument
    throw new TypeError(`the transfer list of ${label} cannot be transferred (${error instanceof Error ? error.message : String(error)})`, {
      cause: error,
    })
  }
}
