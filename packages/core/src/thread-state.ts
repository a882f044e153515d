import type { StateWriteBack } from "./protocol.js"
import { findFunction, functionArgumentHint } from "./function-in-value.js"
import { decodeShared, encodeShared } from "./shareable.js"

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
  const fn = findFunction(value, what)
  if (fn !== undefined) return new TypeError(`${what} of ${label} cannot be sent to the thread: ${functionArgumentHint(fn)}`, { cause: error })
  const reason = error instanceof Error ? error.message : String(error)
  return new TypeError(`${what} of ${label} cannot be sent between threads (${reason}): pass structured-cloneable data`, { cause: error })
}

/** Encodes arguments, checking each one so the error can name its position. */
export function validateArgs(args: readonly unknown[], label: string): { args: unknown[]; shared: boolean } {
  if (!Array.isArray(args)) throw new TypeError(`args of ${label} must be an array, got ${typeof args}`)
  const { value, shared } = encodeShared(args)
  const encoded = value as unknown[]
  try {
    structuredClone(encoded)
  } catch {
    encoded.forEach((arg, index) => {
      try {
        structuredClone(arg)
      } catch (error) {
        throw cloneError(`args[${index}]`, label, error, arg)
      }
    })
  }
  return { args: encoded, shared }
}

/** Reads an object's carried fields, each checked so the error can name it. */
export function captureState(target: object, label: string): { value: Record<string, unknown>; shared: boolean } {
  const fields: Record<string, unknown> = {}
  let anyShared = false
  for (const key of carriedKeys(target)) {
    const { value, shared } = encodeShared((target as Record<string, unknown>)[key])
    try {
      structuredClone(value)
    } catch (error) {
      throw cloneError(`field "${key}"`, label, error, value)
    }
    fields[key] = value
    anyShared ||= shared
  }
  return { value: fields, shared: anyShared }
}

/** Assigns the fields a thread left on its copy back onto the caller's object; deletes the ones it deleted. */
export function writeBackState(target: object, state: StateWriteBack): void {
  const fields = (state.shared ? decodeShared(state.fields) : state.fields) as Record<string, unknown>
  for (const key of carriedKeys(target)) if (!(key in fields) && !state.failed?.includes(key)) delete (target as Record<string, unknown>)[key]
  Object.assign(target, fields)
}

/** Inside the worker: the fields to send back. Fields that cannot be cloned are named in `failed`. */
export function collectState(target: object): { state: StateWriteBack; failed: string[] } {
  const captured: Record<string, unknown> = {}
  const failed: string[] = []
  let anyShared = false
  for (const key of carriedKeys(target)) {
    const { value, shared } = encodeShared((target as Record<string, unknown>)[key])
    try {
      structuredClone(value)
      captured[key] = value
      anyShared ||= shared
    } catch {
      failed.push(key)
    }
  }
  return { state: { fields: captured, shared: anyShared, failed }, failed }
}
