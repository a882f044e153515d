// How a shared-memory primitive crosses a thread boundary, defined once for all of them: a
// primitive implements `[toShared]()` and registers a decoder for its tag; values sent to a
// thread are walked (only once this thread has met a primitive) and each primitive is replaced
// by a tagged record holding its shared memory, rebuilt on the other side as a new handle.

import { registerPrimitives } from "./sync/register.js"
import { toShared } from "./sync/shared-symbol.js"

export { toShared }

/** A primitive's description that crosses threads: its registered tag and shared state. */
export interface SharedRecord {
  /** The tag registered with `registerShareable`. */
  readonly tag: string
  /** The shared state (e.g. a `SharedArrayBuffer`) the other side rebuilds it from. */
  readonly data: unknown
}

/** An object that crosses threads as a live, shared primitive rather than a copy. */
export interface Shareable {
  /** Describes the object for sending; the other thread rebuilds it with the decoder registered for its tag. */
  [toShared](): SharedRecord
}

const TAG_KEY = "__weft_shared__"
const decoders = new Map<string, (data: unknown) => object>()
let inUse = false

/** Registers how to rebuild a primitive from its record. Call once per primitive class. */
export function registerShareable(tag: string, decode: (data: unknown) => object): void {
  decoders.set(tag, decode)
}

const pending = new Set<Promise<unknown>>()

/**
 * A decoder that needs something loaded before its handle is usable synchronously (the Queue's
 * codec, a Barrier's registered action) hands the promise here; the worker host awaits
 * `sharedReady()` before it runs a job whose arguments held a primitive.
 */
export function decodeLater(promise: Promise<unknown>): void {
  const tracked: Promise<void> = promise.then(
    () => void pending.delete(tracked),
    () => void pending.delete(tracked),
  )
  pending.add(tracked)
}

/** True while a decoder's load is still under way (checked before awaiting, off the common path). */
export function sharedPending(): boolean {
  return pending.size > 0
}

/** Settles once everything decoders asked for has loaded (or failed: the primitive reports that when used). */
export async function sharedReady(): Promise<void> {
  while (pending.size > 0) await Promise.all(pending)
}

/** Called by every primitive's constructor and decoder: from now on this thread walks what it sends. */
export function markSharedInUse(): void {
  inUse = true
}

export function isShareable(value: unknown): value is Shareable {
  return typeof value === "object" && value !== null && toShared in value
}

/** Replaces every primitive found at any depth by a tagged record. `shared` says whether any was found. */
export function encodeShared(value: unknown): { value: unknown; shared: boolean } {
  if (!inUse || typeof value !== "object" || value === null) return { value, shared: false }
  const state = { shared: false }
  const encoded = encode(value, new Map(), state)
  return state.shared ? { value: encoded, shared: true } : { value, shared: false }
}

/** True when a value holds a primitive or raw shared memory anywhere (a Queue item must not). */
export function containsShared(value: unknown, seen = new Set<object>()): boolean {
  if (typeof value !== "object" || value === null) return false
  if (seen.has(value)) return false
  seen.add(value)
  if (isShareable(value)) return true
  if (typeof SharedArrayBuffer !== "undefined") {
    if (value instanceof SharedArrayBuffer) return true
    if (ArrayBuffer.isView(value)) return value.buffer instanceof SharedArrayBuffer
  }
  if (value instanceof Map) {
    for (const [k, v] of value) if (containsShared(k, seen) || containsShared(v, seen)) return true
    return false
  }
  if (value instanceof Set) {
    for (const v of value) if (containsShared(v, seen)) return true
    return false
  }
  if (isOpaque(value)) return false
  for (const key of Object.keys(value)) if (containsShared((value as Record<string, unknown>)[key], seen)) return true
  return false
}

function isOpaque(value: object): boolean {
  return (
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer) ||
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Error
  )
}

function encode(value: unknown, seen: Map<object, unknown>, state: { shared: boolean }): unknown {
  if (typeof value !== "object" || value === null) return value
  if (isShareable(value)) {
    state.shared = true
    const record = value[toShared]()
    return { [TAG_KEY]: record.tag, data: record.data }
  }
  const done = seen.get(value)
  if (done !== undefined) return done
  if (isOpaque(value)) return value
  if (Array.isArray(value)) {
    const copy: unknown[] = []
    seen.set(value, copy)
    for (let i = 0; i < value.length; i++) copy[i] = encode(value[i], seen, state)
    return copy
  }
  if (value instanceof Map) {
    const copy = new Map()
    seen.set(value, copy)
    for (const [k, v] of value) copy.set(encode(k, seen, state), encode(v, seen, state))
    return copy
  }
  if (value instanceof Set) {
    const copy = new Set()
    seen.set(value, copy)
    for (const v of value) copy.add(encode(v, seen, state))
    return copy
  }
  const copy: Record<string, unknown> = {}
  seen.set(value, copy)
  for (const key of Object.keys(value)) copy[key] = encode((value as Record<string, unknown>)[key], seen, state)
  return copy
}

/** Rebuilds the primitives in a value that `encodeShared` marked as shared. */
export function decodeShared(value: unknown): unknown {
  return decode(value, new Map())
}

function decode(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value !== "object" || value === null) return value
  const done = seen.get(value)
  if (done !== undefined) return done
  const tag = (value as Record<string, unknown>)[TAG_KEY]
  if (typeof tag === "string") {
    const decoder = decoders.get(tag) ?? (registerPrimitives(), decoders.get(tag))
    if (decoder === undefined) throw new TypeError(`weft: no decoder for shared primitive "${tag}" in this thread`)
    markSharedInUse()
    const rebuilt = decoder((value as { data: unknown }).data)
    seen.set(value, rebuilt)
    return rebuilt
  }
  seen.set(value, value)
  if (isOpaque(value)) return value
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = decode(value[i], seen)
  } else if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => [decode(k, seen), decode(v, seen)] as const)
    value.clear()
    for (const [k, v] of entries) value.set(k, v)
  } else if (value instanceof Set) {
    const items = [...value].map((v) => decode(v, seen))
    value.clear()
    for (const v of items) value.add(v)
  } else {
    for (const key of Object.keys(value)) (value as Record<string, unknown>)[key] = decode((value as Record<string, unknown>)[key], seen)
  }
  return value
}
