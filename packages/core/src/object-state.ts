import type { StateWriteBack } from "./protocol.js"
import { findFunction, functionArgumentHint } from "./function-in-value.js"
import { decodeShared, encodeShared } from "./shareable.js"
import { FROM_THREAD } from "./shared-record.js"

// The state of a style-2/3 object: its own enumerable string-keyed data fields, minus
// functions. It goes to the worker at start() and comes back, field by field, when it ends.

function carriedKeys(target: object): string[] {
  return Object.keys(target).filter((key) => {
    const descriptor = Object.getOwnPropertyDescriptor(target, key)
    return descriptor !== undefined && "value" in descriptor && typeof descriptor.value !== "function"
  })
}

/** The error for an object field that cannot be cloned back to the caller when its thread or task ends. */
export function fieldNotClonedBack(field: string, owner: string): TypeError {
  return new TypeError(`field "${field}" of ${owner} cannot be cloned back to the caller: keep structured-cloneable data in fields`)
}

function cloneError(what: string, label: string, error: unknown, value: unknown): TypeError {
  let fn: string | undefined
  try {
    fn = findFunction(value, what)
  } catch {
    fn = undefined // the value cannot even be walked (a throwing getter, a revoked Proxy): say so below
  }
  if (fn !== undefined)
    return new TypeError(`${what} of ${label} cannot be sent to the thread: ${functionArgumentHint(fn)}`, { cause: error })
  const reason = error instanceof Error ? error.message : String(error)
  return new TypeError(`${what} of ${label} cannot be sent between threads (${reason}): pass structured-cloneable data`, { cause: error })
}

/** Encodes arguments, checking each one so the error can name its position. */
export function validateArgs(args: readonly unknown[], label: string): { args: unknown[]; shared: boolean } {
  if (!Array.isArray(args)) throw new TypeError(`args of ${label} must be an array, got ${typeof args}`)
  let encoded: unknown[]
  let shared: boolean
  try {
    ;({ value: encoded, shared } = encodeShared(args) as { value: unknown[]; shared: boolean })
    structuredClone(encoded)
  } catch {
    // Find the first argument that cannot be walked (a throwing getter, a revoked Proxy) or cloned.
    args.forEach((arg, index) => {
      try {
        structuredClone(encodeShared(arg).value)
      } catch (error) {
        throw cloneError(`args[${index}]`, label, error, arg)
      }
    })
    throw new TypeError(`the arguments of ${label} cannot be sent between threads: pass structured-cloneable data`)
  }
  return { args: encoded, shared }
}

/**
 * Copies fields onto an object as own data properties, the key "__proto__" included: it arrives
 * from another thread as data and must never replace the object's prototype.
 */
export function assignFields(target: object, fields: Record<string, unknown>): void {
  for (const key of Object.keys(fields)) {
    const value = fields[key]
    if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
    else (target as Record<string, unknown>)[key] = value
  }
}

/** Reads an object's carried fields, each checked so the error can name it. */
export function captureState(target: object, label: string): { value: Record<string, unknown>; shared: boolean } {
  const fields: Record<string, unknown> = {}
  let anyShared = false
  for (const key of carriedKeys(target)) {
    let value: unknown
    let shared: boolean
    try {
      ;({ value, shared } = encodeShared((target as Record<string, unknown>)[key]))
      structuredClone(value)
    } catch (error) {
      throw cloneError(`field "${key}"`, label, error, value)
    }
    Object.defineProperty(fields, key, { value, enumerable: true, writable: true, configurable: true })
    anyShared ||= shared
  }
  return { value: fields, shared: anyShared }
}

/** Assigns the fields a thread left on its copy back onto the caller's object; deletes the ones it deleted. */
export function writeBackState(target: object, state: StateWriteBack): void {
  if (typeof state !== "object" || state === null || typeof state.fields !== "object" || state.fields === null) {
    throw new TypeError("weft: a malformed object state arrived from another thread")
  }
  const fields = (state.shared ? decodeShared(state.fields, FROM_THREAD) : state.fields) as Record<string, unknown>
  const failed = Array.isArray(state.failed) ? state.failed : []
  for (const key of carriedKeys(target))
    if (!Object.hasOwn(fields, key) && !failed.includes(key)) delete (target as Record<string, unknown>)[key]
  assignFields(target, fields)
}

/** Inside the worker: the fields to send back. Fields that cannot be cloned are named in `failed`. */
export function collectState(target: object): { state: StateWriteBack; failed: string[] } {
  const captured: Record<string, unknown> = {}
  const failed: string[] = []
  let anyShared = false
  for (const key of carriedKeys(target)) {
    try {
      const { value, shared } = encodeShared((target as Record<string, unknown>)[key])
      structuredClone(value)
      Object.defineProperty(captured, key, { value, enumerable: true, writable: true, configurable: true })
      anyShared ||= shared
    } catch {
      failed.push(key)
    }
  }
  return { state: { fields: captured, shared: anyShared, failed }, failed }
}
