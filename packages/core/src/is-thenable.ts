/** Whether `value` can be awaited as a promise (has a callable `then`), without awaiting it. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function"
  )
}
