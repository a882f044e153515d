import { toShared } from "@weft/core/adapter"
import { Packr } from "msgpackr"

// What crosses to another machine: data, as JSON where JSON keeps it, else encoded with msgpackr
// (structured-clone style: Map, Set, Date, RegExp, typed arrays, bigint, undefined and cycles
// survive) as base64 text, inside BullMQ's JSON job record. Shared memory cannot cross: it is
// refused before encoding.

const packr = new Packr({ structuredClone: true, mapsAsObjects: false, moreTypes: true, useBigIntExtension: true })

/** Starts text that is JSON; base64 never holds it. */
const JSON_MARK = "~"

/**
 * `value` as text: JSON where JSON keeps it exactly (the common case: numbers, strings, plain
 * objects and arrays), which V8 writes and reads natively; msgpack as base64 otherwise.
 */
export function encodeValue(value: unknown): string {
  return keepsAsJson(value, 0, undefined) ? JSON_MARK + JSON.stringify(value) : packr.pack(value).toString("base64")
}

export function decodeValue(text: string): unknown {
  return text.startsWith(JSON_MARK) ? JSON.parse(text.slice(1)) : packr.unpack(Buffer.from(text, "base64"))
}

/** Deeper plain data goes as msgpack (it also keeps cycles, which this walk does not follow). */
const JSON_DEPTH = 16

/**
 * Whether JSON gives `value` back as it is: finite numbers but -0, strings, booleans, null,
 * arrays without holes and plain objects of those, each object reached once (JSON would copy a
 * shared one, where a structured clone keeps it shared). `seen` holds the objects met so far
 * below the top; it is made only once there is one (most arguments are flat).
 */
function keepsAsJson(value: unknown, depth: number, seen: Set<object> | undefined): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0)
    case "object":
      break
    default:
      return false
  }
  if (value === null) return true
  if (depth >= JSON_DEPTH) return false
  const proto = Object.getPrototypeOf(value) as unknown
  const isArray = proto === Array.prototype
  if (!isArray && proto !== Object.prototype) return false
  const items: unknown[] = isArray ? (value as unknown[]) : Object.values(value)
  for (let i = 0; i < items.length; i++) {
    if (isArray && !(i in items)) return false
    const item = items[i]
    if (typeof item === "object" && item !== null) {
      if (seen === undefined) seen = new Set([value])
      if (seen.has(item)) return false
      seen.add(item)
    }
    if (!keepsAsJson(item, depth + 1, seen)) return false
  }
  return true
}

const PLAIN_CLASSES = new Set<unknown>([
  Object.prototype,
  null,
  Array.prototype,
  Date.prototype,
  RegExp.prototype,
  Map.prototype,
  Set.prototype,
  ArrayBuffer.prototype,
  DataView.prototype,
])
const TYPED_ARRAY = Object.getPrototypeOf(Int8Array.prototype) as object

/**
 * Why `value` cannot be sent to another machine, naming where inside it (`args[1].lock`), or
 * undefined when it can.
 */
export function unsendable(value: unknown, path: string): string | undefined {
  const found = refuse(value, undefined)
  return found === undefined ? undefined : found.reason(path + found.trail.reverse().join(""))
}

/** Strings, numbers, booleans, bigints and undefined always cross: only other values need unsendable(). */
export function mayBeUnsendable(value: unknown): boolean {
  return typeof value === "object" || typeof value === "function" || typeof value === "symbol"
}

/**
 * What refuse() found: `reason(path)` says it, `trail` holds the steps from the refused value
 * back up to the top (`.lock`, `[1]`, ...), innermost first. The steps are written only for a
 * refused value: walking a big argument that can be sent builds no strings.
 */
interface Refusal {
  readonly reason: (path: string) => string
  readonly trail: string[]
}

const refusal = (reason: (path: string) => string): Refusal => ({ reason, trail: [] })

function via(found: Refusal, step: string): Refusal {
  found.trail.push(step)
  return found
}

function refuse(value: unknown, seen: Set<object> | undefined): Refusal | undefined {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
    case "bigint":
    case "undefined":
      return undefined
    case "function":
      return refusal(
        (path) => `${path} is a function: functions do not cross to another machine; register the function with threadable() and pass data`,
      )
    case "symbol":
      return refusal((path) => `${path} is a symbol, which cannot be sent through Redis`)
  }
  if (value === null) return undefined
  const object = value as object
  seen ??= new Set<object>()
  if (seen.has(object)) return undefined
  seen.add(object)
  const proto = Object.getPrototypeOf(object) as object | null
  // The common shapes first: a plain array or object is none of the special cases below.
  if (proto === Array.prototype) return refuseItems(object as unknown[], seen)
  if (proto === Object.prototype) return refuseProperties(object, seen)
  if (typeof SharedArrayBuffer !== "undefined" && object instanceof SharedArrayBuffer) {
    return refusal(
      (path) =>
        `${path} is a SharedArrayBuffer: shared memory does not cross to another machine; send a copy (an ArrayBuffer or typed array) instead`,
    )
  }
  if (ArrayBuffer.isView(object)) {
    if (typeof SharedArrayBuffer !== "undefined" && object.buffer instanceof SharedArrayBuffer) {
      const name = object.constructor.name
      return refusal(
        (path) =>
          `${path} is a ${name} over shared memory: shared memory does not cross to another machine; send a copy (.slice()) instead`,
      )
    }
    if (proto !== null && (Object.getPrototypeOf(proto) === TYPED_ARRAY || proto === DataView.prototype)) return undefined
  }
  if (object instanceof Error) return undefined
  if (!PLAIN_CLASSES.has(proto)) {
    const name = (object as { constructor?: { name?: string } }).constructor?.name ?? "an object"
    return isSharedPrimitive(object)
      ? refusal(
          (path) =>
            `${path} is a weft ${name}, a shared-memory primitive: it works between threads of one process, not across machines; coordinate through your own store (e.g. Redis) or pass data`,
        )
      : refusal(
          (path) =>
            `${path} is an instance of ${name}: only plain data (objects, arrays, Map, Set, Date, typed arrays, ...) can be sent through Redis; its class would be lost`,
        )
  }
  if (object instanceof Map) {
    let i = 0
    for (const [key, item] of object) {
      const inKey = refuse(key, seen)
      if (inKey !== undefined) return via(inKey, ` key #${i}`)
      const inItem = refuse(item, seen)
      if (inItem !== undefined) return via(inItem, `.get(${describeKey(key)})`)
      i++
    }
    return undefined
  }
  if (object instanceof Set) {
    let i = 0
    for (const item of object) {
      const found = refuse(item, seen)
      if (found !== undefined) return via(found, ` item #${i}`)
      i++
    }
    return undefined
  }
  return refuseProperties(object, seen)
}

function refuseItems(items: readonly unknown[], seen: Set<object>): Refusal | undefined {
  for (let i = 0; i < items.length; i++) {
    const item = items[i]
    if (mayBeUnsendable(item)) {
      const found = refuse(item, seen)
      if (found !== undefined) return via(found, `[${i}]`)
    }
  }
  return undefined
}

function refuseProperties(object: object, seen: Set<object>): Refusal | undefined {
  for (const key of Object.keys(object)) {
    const item = (object as Record<string, unknown>)[key]
    if (mayBeUnsendable(item)) {
      const found = refuse(item, seen)
      if (found !== undefined) return via(found, /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`)
    }
  }
  return undefined
}

function describeKey(key: unknown): string {
  return typeof key === "string" ? JSON.stringify(key) : String(key)
}

/** weft's primitives (Lock, Event, Queue, ...) carry shared memory: they encode themselves for other threads only. */
function isSharedPrimitive(object: object): boolean {
  return toShared in object
}

/** A task's result as text for its caller; a TypeError naming what cannot be sent (and the task's key) if it cannot. */
export function encodeResult(value: unknown, key: string): string {
  const refused = unsendable(value, "the result")
  if (refused !== undefined) throw new TypeError(`${refused} (task "${key}")`)
  return encodeValue(value)
}
