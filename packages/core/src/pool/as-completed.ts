import { TimeoutError } from "../errors.js"
import type { Future } from "./future.js"

/** Options of `asCompleted()`. */
export interface AsCompletedOptions {
  /** Milliseconds for the whole iteration; past it the iterator throws `TimeoutError`. */
  readonly timeout?: number
}

/**
 * A finished future as `asCompleted` hands it out. TypeScript types `for await` as if it awaited
 * each thenable it iterates (the runtime does not), so the thenable members are left out of the
 * type: `done.result()`, `done.exception()` and the rest stay typed.
 */
export type CompletedFuture<F extends Future<unknown>> = Omit<F, "then" | "catch" | "finally">

/**
 * Yields each future as it completes (finished or cancelled), like Python's `as_completed`;
 * duplicates are yielded once. Hand-written rather than an async generator, which would await
 * each yielded future and hand out its value instead of the future.
 */
export function asCompleted<F extends Future<unknown>>(
  futures: Iterable<F>,
  options: AsCompletedOptions = {},
): AsyncIterableIterator<CompletedFuture<F>> {
  const pending = new Set(futures)
  const { timeout } = options
  if (timeout !== undefined && (typeof timeout !== "number" || Number.isNaN(timeout))) {
    throw new TypeError(`timeout must be a number of milliseconds, got ${String(timeout)}`)
  }
  const deadline = timeout === undefined ? Infinity : performance.now() + timeout
  const finished: F[] = []
  let wake: (() => void) | undefined
  let closed = false
  for (const future of pending) {
    future.listen(() => {
      finished.push(future)
      wake?.()
    })
  }
  const iterator: AsyncIterableIterator<F> = {
    async next(): Promise<IteratorResult<F>> {
      for (;;) {
        if (closed) return { done: true, value: undefined }
        const future = finished.shift()
        if (future !== undefined) {
          pending.delete(future)
          return { done: false, value: future }
        }
        if (pending.size === 0) return { done: true, value: undefined }
        const left = deadline - performance.now()
        if (left <= 0) {
          closed = true
          throw new TimeoutError(`${pending.size} futures unfinished after ${timeout} ms`)
        }
        await new Promise<void>((resolve) => {
          let timer: ReturnType<typeof setTimeout> | undefined
          wake = () => {
            wake = undefined
            if (timer !== undefined) clearTimeout(timer)
            resolve()
          }
          if (left !== Infinity) timer = setTimeout(() => wake?.(), left)
        })
      }
    },
    async return(): Promise<IteratorResult<F>> {
      closed = true
      wake?.()
      return { done: true, value: undefined }
    },
    [Symbol.asyncIterator]() {
      return iterator
    },
  }
  return iterator
}
