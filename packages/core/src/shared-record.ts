// The record a shared-memory primitive crosses a thread boundary as, and the registry of
// decoders that rebuild one: what the primitives themselves need, below the value walk in
// shareable.ts (which installs the library's decoders), so no module imports its own importer.

/** The key of a primitive's `[toShared]()` method; a global symbol, so every copy of core agrees. */
export const toShared: unique symbol = Symbol.for("weft.toShared")

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

/**
 * Where a value being decoded came from. Only data from the thread that started this one (the
 * caller, who also names the targets to import) may make it import a module (a Barrier's
 * registered action); results from a thread this one started never do.
 */
export interface DecodeContext {
  /** Whether decoding may load modules (true for what the caller sent, false for what a thread sends back). */
  readonly mayImport: boolean
}

/** Data from the thread that started this one. */
export const FROM_CALLER: DecodeContext = { mayImport: true }
/** Results, errors and object state from a thread this one started. */
export const FROM_THREAD: DecodeContext = { mayImport: false }

/** Rebuilds a primitive in this thread from its record's `data`; registered per tag with `registerShareable`. */
export type SharedDecoder = (data: unknown, context: DecodeContext) => object
const decoders = new Map<string, SharedDecoder>()
let inUse = false

/** Registers how to rebuild a primitive from its record. Call once per primitive class. */
export function registerShareable(tag: string, decode: SharedDecoder): void {
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

/** The decoder registered for `tag`, if any. */
export function decoderFor(tag: string): SharedDecoder | undefined {
  return decoders.get(tag)
}

/** Whether this thread has created or received a primitive (so values it sends must be walked). */
export function sharedInUse(): boolean {
  return inUse
}

/** True when a value holds a primitive or raw shared memory anywhere. */
export function containsShared(value: unknown): boolean {
  return findInValue(value, false, new Set()) === "shared"
}

/** What a walk found: a primitive or raw shared memory, or an own `"__proto__"` key. */
export type ValueFinding = "shared" | "proto"

/**
 * The first finding in a value, walking objects, arrays, Maps and Sets (opaque values whole), or
 * `undefined`. Own `"__proto__"` keys count only when `protoKeys` is set (the Queue's codec
 * renames them).
 */
export function findInValue(value: unknown, protoKeys: boolean, seen: Set<object>): ValueFinding | undefined {
  if (typeof value !== "object" || value === null || seen.has(value)) return undefined
  seen.add(value)
  if (isShareable(value)) return "shared"
  if (typeof SharedArrayBuffer !== "undefined") {
    if (value instanceof SharedArrayBuffer) return "shared"
    if (ArrayBuffer.isView(value)) return value.buffer instanceof SharedArrayBuffer ? "shared" : undefined
  }
  if (value instanceof Map) {
    for (const [k, v] of value) {
      const found = findInValue(k, protoKeys, seen) ?? findInValue(v, protoKeys, seen)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (value instanceof Set) {
    for (const v of value) {
      const found = findInValue(v, protoKeys, seen)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (isOpaque(value)) return undefined
  for (const key of Object.keys(value)) {
    if (protoKeys && key === "__proto__") return "proto"
    const found = findInValue((value as Record<string, unknown>)[key], protoKeys, seen)
    if (found !== undefined) return found
  }
  return undefined
}

/** Values that are copied whole, never walked for primitives inside. */
export function isOpaque(value: object): boolean {
  return (
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer) ||
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Error ||
    value instanceof Boolean ||
    value instanceof Number ||
    value instanceof String ||
    (typeof BigInt === "function" && value instanceof BigInt)
  )
}
