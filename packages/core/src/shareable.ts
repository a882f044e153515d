// How a value crosses a thread boundary when it may hold shared-memory primitives: values sent
// to a thread are walked (only once this thread has met a primitive) and each primitive is
// replaced by its tagged record (shared-record.ts), rebuilt on the other side as a new handle.
// Importing the library's decoders here keeps them wherever values are decoded: no bundler can
// shake the registrations away.

import { registerPrimitives } from "./sync/register.js"
import { decoderFor, isOpaque, isShareable, markSharedInUse, sharedInUse, toShared, type DecodeContext } from "./shared-record.js"

// A record is a plain object whose own TAG_KEY names a decoder. User data that happens to carry
// TAG_KEY is wrapped in an ESCAPED record on the way out, so it arrives exactly as it was sent.
const TAG_KEY = "__weft_shared__"
const ESCAPED = "weft:escaped"

/** Replaces every primitive found at any depth by a tagged record. `shared` says whether any was found. */
export function encodeShared(value: unknown): { value: unknown; shared: boolean } {
  if (!sharedInUse() || typeof value !== "object" || value === null) return { value, shared: false }
  const state = { shared: false }
  const encoded = encode(value, new Map(), state)
  return state.shared ? { value: encoded, shared: true } : { value, shared: false }
}

/** Sets an own data property, also for the key "__proto__" (an assignment would replace the prototype). */
function setOwn(target: object, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else (target as Record<string, unknown>)[key] = value
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
    // Own keys, not 0..length: holes stay holes and extra properties travel, as with structuredClone.
    const copy: unknown[] = new Array(value.length)
    seen.set(value, copy)
    for (const key of Object.keys(value)) setOwn(copy, key, encode((value as unknown as Record<string, unknown>)[key], seen, state))
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
  const escaped = Object.hasOwn(value, TAG_KEY) ? { [TAG_KEY]: ESCAPED, data: copy } : undefined
  seen.set(value, escaped ?? copy)
  for (const key of Object.keys(value)) setOwn(copy, key, encode((value as Record<string, unknown>)[key], seen, state))
  return escaped ?? copy
}

/**
 * Rebuilds the primitives in a value that `encodeShared` marked as shared. Throws a TypeError for
 * a record that is not one of weft's (the caller fails the one task or thread it concerns).
 */
export function decodeShared(value: unknown, context: DecodeContext): unknown {
  return decode(value, new Map(), context)
}

function decode(value: unknown, seen: Map<object, unknown>, context: DecodeContext): unknown {
  if (typeof value !== "object" || value === null) return value
  const done = seen.get(value)
  if (done !== undefined) return done
  if (isOpaque(value)) {
    seen.set(value, value)
    return value
  }
  if (value instanceof Map) {
    seen.set(value, value)
    const entries = [...value].map(([k, v]) => [decode(k, seen, context), decode(v, seen, context)] as const)
    value.clear()
    for (const [k, v] of entries) value.set(k, v)
    return value
  }
  if (value instanceof Set) {
    seen.set(value, value)
    const items = [...value].map((v) => decode(v, seen, context))
    value.clear()
    for (const v of items) value.add(v)
    return value
  }
  if (!Array.isArray(value) && Object.hasOwn(value, TAG_KEY)) return decodeRecord(value as Record<string, unknown>, seen, context)
  seen.set(value, value)
  decodeFields(value, seen, context)
  return value
}

function decodeFields(value: object, seen: Map<object, unknown>, context: DecodeContext): void {
  for (const key of Object.keys(value)) setOwn(value, key, decode((value as Record<string, unknown>)[key], seen, context))
}

function decodeRecord(record: Record<string, unknown>, seen: Map<object, unknown>, context: DecodeContext): object {
  const tag = record[TAG_KEY]
  const data = record.data
  if (tag === ESCAPED) {
    if (typeof data !== "object" || data === null || Array.isArray(data))
      throw new TypeError("weft: a malformed escaped record arrived from another thread")
    seen.set(record, data)
    decodeFields(data, seen, context)
    return data
  }
  if (typeof tag !== "string")
    throw new TypeError("weft: a malformed shared-primitive record arrived from another thread (its tag is not a string)")
  const decoder = decoderFor(tag) ?? (registerPrimitives(), decoderFor(tag))
  if (decoder === undefined)
    throw new TypeError(`weft: a record for an unknown shared primitive "${tag.slice(0, 64)}" arrived from another thread`)
  markSharedInUse()
  const rebuilt = decoder(data, context)
  seen.set(record, rebuilt)
  return rebuilt
}
