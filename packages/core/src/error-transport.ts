import { lookup, registrationOf } from "./registry.js"

// structuredClone keeps only message/stack/cause of an error: class, custom name and own
// properties such as `code` are lost. Errors therefore cross as this record and are rebuilt.

export interface WireError {
  readonly $error: true
  readonly name: string
  readonly message: string
  readonly stack?: string
  readonly key?: string
  readonly builtin?: string
  readonly dom?: boolean
  readonly hasCause: boolean
  readonly cause?: WireThrown
  readonly errors?: WireThrown[]
  readonly props: Record<string, unknown>
}

/** A thrown value as it crosses: an error record, or any other thrown value (`throw 42`). */
export type WireThrown = WireError | { readonly $error: false; readonly value: unknown }

const BUILTINS: Record<string, new (message?: string) => Error> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  AggregateError: AggregateError as unknown as new (message?: string) => Error,
}

const MAX_DEPTH = 16

function isErrorLike(value: unknown): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === "[object Error]" || isDomException(value)
}

function isDomException(value: unknown): value is DOMException {
  return typeof DOMException !== "undefined" && value instanceof DOMException
}

function cloneable(value: unknown): unknown {
  try {
    return structuredClone(value)
  } catch {
    return String(value)
  }
}

export function serializeThrown(thrown: unknown, depth = 0): WireThrown {
  if (!isErrorLike(thrown) || depth > MAX_DEPTH) return { $error: false, value: cloneable(thrown) }
  const error = thrown as Error & { errors?: unknown }
  const registered = registrationOf(error.constructor)
  const ctorName = (error.constructor as { name?: string } | undefined)?.name
  const builtin = ctorName !== undefined && BUILTINS[ctorName] === error.constructor ? ctorName : undefined
  const props: Record<string, unknown> = {}
  for (const key of Object.keys(error)) {
    if (key === "name" || key === "message" || key === "stack" || key === "cause" || key === "errors") continue
    props[key] = cloneable((error as unknown as Record<string, unknown>)[key])
  }
  const hasCause = "cause" in error
  return {
    $error: true,
    name: String(error.name),
    message: String(error.message),
    stack: typeof error.stack === "string" ? error.stack : undefined,
    key: registered?.key,
    builtin,
    dom: isDomException(error),
    hasCause,
    cause: hasCause ? serializeThrown(error.cause, depth + 1) : undefined,
    errors: Array.isArray(error.errors) ? error.errors.map((e) => serializeThrown(e, depth + 1)) : undefined,
    props,
  }
}

/**
 * Rebuilds a thrown value. `callerStack` (the lines of the `start()`/`submit()` site) is
 * appended to the top-level error's stack so both halves of the story are in one trace.
 */
export function deserializeThrown(wire: WireThrown, callerStack?: string): unknown {
  if (!wire.$error) return wire.value
  let error: Error
  if (wire.dom) {
    error = new DOMException(wire.message, wire.name)
  } else {
    const registered = wire.key === undefined ? undefined : lookup(wire.key)
    const ErrorClass = (typeof registered === "function" ? registered : BUILTINS[wire.builtin ?? ""] ?? Error) as new () => Error
    error = Object.create(ErrorClass.prototype) as Error
    define(error, "message", wire.message)
    if (error.name !== wire.name) define(error, "name", wire.name)
  }
  const stack = wire.stack ?? `${wire.name}: ${wire.message}`
  define(error, "stack", callerStack ? `${stack}\n${callerStack}` : stack)
  if (wire.hasCause) define(error, "cause", deserializeThrown(wire.cause!))
  if (wire.errors) define(error, "errors", wire.errors.map((e) => deserializeThrown(e)))
  for (const [key, value] of Object.entries(wire.props)) {
    Object.defineProperty(error, key, { value, writable: true, enumerable: true, configurable: true })
  }
  return error
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: false, configurable: true })
}

/** The caller's half of a cross-thread stack: the frames of the site that started the work. */
export function captureCallerStack(label: string): string {
  const stack = new Error().stack ?? ""
  const frames = stack.split("\n").filter((line) => /^\s+at /.test(line) || /@/.test(line))
  // Drop weft's own frames (this function and its caller inside the library).
  return [`    --- ${label} ---`, ...frames.slice(2)].join("\n")
}
