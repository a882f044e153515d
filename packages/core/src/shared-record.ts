// The record a shared-memory primitive crosses a thread boundary as, and the registry of
// decoders that rebuild one: what the primitives themselves need, below the value walk in
// shareable.ts (which installs the library's decoders), so no module imports its own importer.

/** The key of a primitive's `[toShared]()` method; a global symbol, so every copy of core agrees. */
export const toShared: unique symbol = Symbol.for("weft.toShared")

export interface SharedRecord {
  readonly tag: string
  readonly data: unknown
}

export interface Shareable {
  [toShared](): SharedRecord
}

/**
 * Where a value being decoded came from. Only data from the thread that started this one (the
 * caller, who also names the targets to import) may make it import a module (a Barrier's
 * registered action); results from a thread this one started never do.
 */
export interface DecodeContext {
  readonly mayImport: boolean
}

/** Data from the thread that started this one. */
export const FROM_CALLER: DecodeContext = { mayImport: true }
/** Results, errors and object state from a thread this one started. */
export const FROM_THREAD: DecodeContext = { mayImport: false }

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
