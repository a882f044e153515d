// A value a generator yields is copied (structured clone) like a task's result. To move its
// ArrayBuffers instead, the generator yields `transfer(value, [buffers])`: the marker is
// unwrapped before sending and the buffers join the batch's transfer list.

const MARK = Symbol.for("weft.transfer")

/** What `transfer()` returns: the value, plus the objects to transfer with it. */
export interface Transferring<T> {
  readonly [MARK]: readonly object[]
  readonly value: T
}

/**
 * Marks a value a generator yields (or passes to `progress()`) so that `transferList` (ArrayBuffers,
 * MessagePorts, ...) is moved to the consumer instead of copied; the consumer receives `value`.
 * Typed as `T`, so `yield transfer(chunk, [chunk.buffer])` keeps the stream's value type.
 */
export function transfer<T>(value: T, transferList: readonly object[]): T {
  if (!Array.isArray(transferList))
    throw new TypeError(
      `transfer(value, transferList) takes an array of objects to transfer (e.g. [bytes.buffer]), got ${String(transferList)}`,
    )
  const marked: Transferring<T> = { [MARK]: transferList, value }
  return marked as unknown as T
}

/** Unwraps a marked value: pushes its transfer list onto `into` and returns the value itself. */
export function unwrapTransfer(value: unknown, into: object[]): unknown {
  if (typeof value !== "object" || value === null) return value
  const list = (value as Partial<Transferring<unknown>>)[MARK]
  if (list === undefined) return value
  for (const item of list) into.push(item)
  return (value as Transferring<unknown>).value
}
