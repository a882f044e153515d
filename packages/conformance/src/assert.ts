// Assertions that run unchanged in Node, Deno and a browser page (node:assert is not in the browser).

export class AssertionError extends Error {
  override name = "AssertionError"
}

function show(value: unknown): string {
  try {
    if (typeof value === "bigint") return `${value}n`
    if (value instanceof Map) return `Map(${show([...value])})`
    if (value instanceof Set) return `Set(${show([...value])})`
    return typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value))
  } catch {
    return String(value)
  }
}

export function ok(value: unknown, message = "expected a truthy value"): asserts value {
  if (!value) throw new AssertionError(`${message} (got ${show(value)})`)
}

export function equal<T>(actual: unknown, expected: T, message?: string): asserts actual is T {
  if (!Object.is(actual, expected))
    throw new AssertionError(`${message ? `${message}: ` : ""}expected ${show(expected)}, got ${show(actual)}`)
}

export function deepEqual(actual: unknown, expected: unknown, message?: string): void {
  if (!same(actual, expected, new Map())) {
    throw new AssertionError(`${message ? `${message}: ` : ""}expected ${show(expected)}, got ${show(actual)}`)
  }
}

function same(a: unknown, b: unknown, seen: Map<object, object>): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false
  if (seen.get(a) === b) return true
  seen.set(a, b)
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false
  if (a instanceof Date) return a.getTime() === (b as Date).getTime()
  if (a instanceof Map) {
    const other = b as Map<unknown, unknown>
    if (a.size !== other.size) return false
    for (const [k, v] of a) if (!other.has(k) || !same(v, other.get(k), seen)) return false
    return true
  }
  if (a instanceof Set) {
    const other = b as Set<unknown>
    if (a.size !== other.size) return false
    for (const v of a) if (!other.has(v)) return false
    return true
  }
  if (ArrayBuffer.isView(a)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
    const y = new Uint8Array((b as ArrayBufferView).buffer, (b as ArrayBufferView).byteOffset, (b as ArrayBufferView).byteLength)
    return x.length === y.length && x.every((v, i) => v === y[i])
  }
  const keysA = Object.keys(a)
  const keysB = Object.keys(b)
  if (keysA.length !== keysB.length) return false
  return keysA.every((key) => Object.hasOwn(b, key) && same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], seen))
}

type ErrorMatcher = { name?: string; message?: RegExp | string; instanceOf?: Function; check?: (error: unknown) => void }

function matchError(error: unknown, matcher: ErrorMatcher): void {
  if (matcher.instanceOf && !(error instanceof matcher.instanceOf)) {
    throw new AssertionError(`expected an instance of ${matcher.instanceOf.name}, got ${describeError(error)}`)
  }
  const actual = error as { name?: unknown; message?: unknown }
  if (matcher.name !== undefined && actual?.name !== matcher.name) {
    throw new AssertionError(`expected an error named ${matcher.name}, got ${describeError(error)}`)
  }
  if (matcher.message !== undefined) {
    const message = String(actual?.message)
    const hit = typeof matcher.message === "string" ? message.includes(matcher.message) : matcher.message.test(message)
    if (!hit) throw new AssertionError(`expected a message matching ${String(matcher.message)}, got ${describeError(error)}`)
  }
  matcher.check?.(error)
}

function describeError(error: unknown): string {
  if (error instanceof Error || (typeof error === "object" && error !== null && "message" in error)) {
    const e = error as { name?: unknown; message?: unknown; constructor?: { name?: string } }
    return `${e.constructor?.name ?? "?"} ${String(e.name)}: ${String(e.message)}`
  }
  return show(error)
}

/** Awaits a promise (or calls a function returning one) and checks that it rejects as described. Returns the reason. */
export async function rejects(action: Promise<unknown> | (() => Promise<unknown>), matcher: ErrorMatcher = {}): Promise<unknown> {
  try {
    await (typeof action === "function" ? action() : action)
  } catch (error) {
    matchError(error, matcher)
    return error
  }
  throw new AssertionError("expected a rejection, but the promise resolved")
}

/** Calls a function and checks that it throws synchronously as described. Returns the error. */
export function throws(action: () => unknown, matcher: ErrorMatcher = {}): unknown {
  let result: unknown
  try {
    result = action()
  } catch (error) {
    matchError(error, matcher)
    return error
  }
  if (result instanceof Promise) result.catch(() => {})
  throw new AssertionError("expected a synchronous throw, but the call returned")
}
