import { lookup, registrationOf } from "./registry.js"

// structuredClone keeps only message/stack/cause of an error: class, custom name and own
// properties such as `code` are lost. Errors therefore cross as this record and are rebuilt.
// Both directions are total: a thrown value that cannot be read becomes an error that says so,
// and a record that is not one of ours rebuilds as a TypeError, never as an exception in the
// receiver's message handler.

/** An error as it crosses threads: class, name, message, stack, cause and own properties. */
export interface WireError {
  /** Marks an error record. */
  readonly $error: true
  /** The error's `name`. */
  readonly name: string
  /** The error's `message`. */
  readonly message: string
  /** The error's stack, as the thrower saw it. */
  readonly stack?: string
  /** The registered key of its class, to rebuild it as that class. */
  readonly key?: string
  /** The name of its built-in class (`TypeError`, ...). */
  readonly builtin?: string
  /** True for a `DOMException`. */
  readonly dom?: boolean
  /** Whether it had a `cause` (which may be `undefined`). */
  readonly hasCause: boolean
  /** Its `cause`, itself encoded. */
  readonly cause?: WireThrown
  /** An `AggregateError`'s errors, encoded. */
  readonly errors?: WireThrown[]
  /** Its other own properties (e.g. `code`). */
  readonly props: Record<string, unknown>
}

/** A thrown value as it crosses: an error record, or any other thrown value (`throw 42`). */
export type WireThrown =
  | WireError
  | {
      /** Marks a thrown value that is not an error. */
      readonly $error: false
      /** The value thrown (`throw 42`). */
      readonly value: unknown
    }

// A Map, not an object literal: a lookup by an arbitrary name must never find an inherited member.
const BUILTINS = new Map<string, new (message?: string) => Error>([
  ["Error", Error],
  ["TypeError", TypeError],
  ["RangeError", RangeError],
  ["SyntaxError", SyntaxError],
  ["ReferenceError", ReferenceError],
  ["EvalError", EvalError],
  ["URIError", URIError],
  ["AggregateError", AggregateError as unknown as new (message?: string) => Error],
])

const MAX_DEPTH = 16
const SKIPPED_KEYS = new Set(["name", "message", "stack", "cause", "errors"])

function isErrorLike(value: unknown): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === "[object Error]" || isDomException(value)
}

function isDomException(value: unknown): value is DOMException {
  return typeof DOMException !== "undefined" && value instanceof DOMException
}

/** A cloneable copy of a value, or its string form, or undefined when even that cannot be had. */
function cloneable(value: unknown): unknown {
  try {
    return structuredClone(value)
  } catch {
    try {
      return String(value)
    } catch {
      return undefined
    }
  }
}

/** Reads one member, treating a throwing getter as absent. */
function read<T>(get: () => T): T | undefined {
  try {
    return get()
  } catch {
    return undefined
  }
}

/** The record for a thrown value. Never throws: what cannot be read is left out, or the whole value is described as unsendable. */
export function serializeThrown(thrown: unknown, depth = 0): WireThrown {
  try {
    return serialize(thrown, depth)
  } catch (error) {
    return unsendable(error)
  }
}

function serialize(thrown: unknown, depth: number): WireThrown {
  if (!isErrorLike(thrown) || depth > MAX_DEPTH) return { $error: false, value: cloneable(thrown) }
  const error = thrown as Error & { errors?: unknown }
  // The prototype's constructor: an own "constructor" property is data, not the class.
  const ctor = read(() => (Object.getPrototypeOf(error) as { constructor?: unknown } | null)?.constructor)
  const registered = registrationOf(ctor)
  const ctorName = read(() => (ctor as { name?: unknown } | undefined)?.name)
  const builtin = typeof ctorName === "string" && BUILTINS.has(ctorName) && BUILTINS.get(ctorName) === ctor ? ctorName : undefined
  const props: Record<string, unknown> = {}
  for (const key of Object.keys(error)) {
    if (SKIPPED_KEYS.has(key)) continue
    let value: unknown
    try {
      value = (error as unknown as Record<string, unknown>)[key]
    } catch {
      continue
    }
    Object.defineProperty(props, key, { value: cloneable(value), enumerable: true, writable: true, configurable: true })
  }
  const hasCause = read(() => "cause" in error) === true
  const name = read(() => String(error.name))
  const message = read(() => String(error.message))
  const stack = read(() => error.stack)
  const errors = read(() => error.errors)
  return {
    $error: true,
    name: name ?? "Error",
    message: message ?? "",
    stack: typeof stack === "string" ? stack : undefined,
    key: registered?.key,
    builtin,
    dom: isDomException(error),
    hasCause,
    cause: hasCause
      ? serializeThrown(
          read(() => error.cause),
          depth + 1,
        )
      : undefined,
    errors: Array.isArray(errors) ? errors.map((e) => serializeThrown(e, depth + 1)) : undefined,
    props,
  }
}

function unsendable(reason: unknown): WireError {
  const detail = read(() => (reason instanceof Error ? reason.message : String(reason))) ?? "unreadable"
  return {
    $error: true,
    name: "TypeError",
    message: `the thrown value could not be sent to the other thread (${detail}): throw an Error or structured-cloneable data`,
    builtin: "TypeError",
    hasCause: false,
    props: {},
  }
}

/**
 * Rebuilds a thrown value. `callerStack` (the lines of the `start()`/`submit()` site) is
 * appended to the top-level error's stack so both halves of the story are in one trace.
 * Never throws: a malformed record becomes a TypeError saying so.
 */
export function deserializeThrown(wire: unknown, callerStack?: string): unknown {
  return rebuild(wire, callerStack, 0)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null
}

function malformed(what: string): TypeError {
  return new TypeError(
    `weft: ${what} arrived from another thread where an error record was expected; the thread's error could not be rebuilt`,
  )
}

function rebuild(wire: unknown, callerStack: string | undefined, depth: number): unknown {
  if (!isRecord(wire) || depth > MAX_DEPTH + 1)
    return malformed(isRecord(wire) ? "a record nested too deep" : `a value of type ${wire === null ? "null" : typeof wire}`)
  if (wire.$error === false) return wire.value
  if (wire.$error !== true) return malformed("a record without its $error flag")
  const name = typeof wire.name === "string" ? wire.name : "Error"
  const message = typeof wire.message === "string" ? wire.message : ""
  let error: Error
  if (wire.dom === true && typeof DOMException !== "undefined") {
    error = new DOMException(message, name)
  } else {
    error = Object.create(errorClass(wire).prototype as object) as Error
    define(error, "message", message)
    if (error.name !== name) define(error, "name", name)
  }
  const stack = typeof wire.stack === "string" ? wire.stack : `${name}: ${message}`
  define(error, "stack", callerStack ? `${stack}\n${callerStack}` : stack)
  if (wire.hasCause === true) define(error, "cause", rebuild(wire.cause, undefined, depth + 1))
  if (Array.isArray(wire.errors))
    define(
      error,
      "errors",
      wire.errors.map((e) => rebuild(e, undefined, depth + 1)),
    )
  if (isRecord(wire.props)) {
    for (const key of Object.keys(wire.props)) {
      if (SKIPPED_KEYS.has(key)) continue
      Object.defineProperty(error, key, { value: wire.props[key], writable: true, enumerable: true, configurable: true })
    }
  }
  return error
}

/** The class to rebuild on: a registered error class, a built-in one, or Error. Never a non-error. */
function errorClass(wire: Record<string, unknown>): Function {
  if (typeof wire.key === "string") {
    const registered = lookup(wire.key)
    if (isErrorClass(registered)) return registered
  }
  if (typeof wire.builtin === "string") {
    const builtin = BUILTINS.get(wire.builtin)
    if (builtin !== undefined) return builtin
  }
  return Error
}

function isErrorClass(value: unknown): value is Function {
  if (typeof value !== "function") return false
  const prototype = read(() => (value as { prototype?: unknown }).prototype)
  return prototype === Error.prototype || prototype instanceof Error
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: false, configurable: true })
}

/** An Error made where work for another thread was started, for callerStackOf. */
export interface CallerSite extends Error {
  /** What heads the site's frames in a cross-thread stack ("thread T started at"). */
  label?: string
}

/**
 * A CallerSite, made one frame below the public method that calls this; callerStackOf puts its
 * frames under `label` (kept off the message, which is a V8 stack's first line).
 */
export function newCallerSite(label?: string): CallerSite {
  const site: CallerSite = new Error()
  site.label = label
  return site
}

/**
 * The caller's half of a cross-thread stack: the frames of `site`, an Error made two weft frames
 * below the caller (a helper and the public method that called it), under a `--- label ---`
 * line. Formatted only when an error needs it: reading `stack` costs far more than capturing it
 * (Deno source-maps every frame: 0.1-0.4 ms a read, against a few µs to capture).
 */
export function callerStackOf(site: CallerSite | undefined, label = site?.label): string | undefined {
  const stack = site?.stack
  if (stack === undefined) return undefined
  const frames = stack.split("\n").filter((line) => /^\s+at /.test(line) || /@/.test(line))
  return [`    --- ${label} ---`, ...frames.slice(2)].join("\n")
}
