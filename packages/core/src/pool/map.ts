import { deserializeThrown } from "../error-transport.js"
import { TimeoutError } from "../errors.js"
import type { Future } from "./future.js"
import type { ChunkFailure } from "./pool-protocol.js"

/** Options of `ThreadPool.map()`. */
export interface MapOptions {
  /** Items per task (default 1). Larger chunks amortise the per-task cost for tiny functions. */
  readonly chunksize?: number
  /**
   * Chunks submitted and not yet consumed, at most. Bounds memory for endless iterables. Default:
   * enough to keep every worker's batch full, from how long tasks have been taking:
   * 2 × maxWorkers × (tasks a worker holds at once, 2..256), at least 8.
   */
  readonly maxInFlight?: number
  /**
   * Milliseconds from the `map()` call (Python's `map(timeout=)`): when the next result is not
   * ready by then, `next()` rejects with `TimeoutError` and the work that has not started is
   * cancelled. Default: no limit.
   */
  readonly timeout?: number
}

/** What `mapTasks` needs from an executor: submitting a chunk, back-pressure, and the window size. */
export interface MapSubmitter {
  /** One task: `fn(items)` when not chunked, `fn` over each of `items` when chunked. */
  submit(items: unknown[], chunk: boolean): Future<unknown>
  /** A promise when the pool's queue is full (maxQueue), resolving once it has room; else undefined. */
  room(): Promise<void> | undefined
  /** The default window: chunks in flight that keep every worker busy at the current task length. */
  window(): number
}

// pool.map: lazy, ordered, bounded. Items are pulled only to keep `maxInFlight` chunks in flight
// ahead of the consumer; results are yielded in input order; closing the loop early cancels the
// chunks that have not started and closes the source iterator. The default window follows the
// pool's adaptive batch depth: a small fixed window starves workers of batches when tasks are tiny.
/** `map()` for any executor: lazy, ordered and bounded; yields results in input order. */
export function mapTasks(
  fn: Function,
  iterable: Iterable<unknown> | AsyncIterable<unknown>,
  options: MapOptions,
  pool: MapSubmitter,
): AsyncIterableIterator<unknown> {
  if (typeof fn !== "function") throw new TypeError(`map(fn, iterable) takes a function first, got ${typeof fn}`)
  const chunksize = options.chunksize ?? 1
  if (!Number.isInteger(chunksize) || chunksize < 1) throw new RangeError(`chunksize must be an integer >= 1, got ${String(chunksize)}`)
  const fixed = options.maxInFlight
  if (fixed !== undefined && (!Number.isInteger(fixed) || fixed < 1))
    throw new RangeError(`maxInFlight must be an integer >= 1, got ${String(fixed)}`)
  const timeout = options.timeout
  if (timeout !== undefined && (typeof timeout !== "number" || !(timeout >= 0)))
    throw new RangeError(`timeout must be a number of milliseconds >= 0, got ${String(timeout)}`)
  const source = openIterator(iterable)
  const window = fixed === undefined ? () => Math.max(8, pool.window()) : () => fixed
  const deadline = timeout === undefined ? undefined : { at: performance.now() + timeout, timeout }
  return run(source, chunksize, window, pool, deadline)
}

type Deadline = { readonly at: number; readonly timeout: number }

/** The future's value, or a TimeoutError once the deadline passes. */
function byDeadline(future: Future<unknown>, deadline: Deadline | undefined): Promise<unknown> | Future<unknown> {
  if (deadline === undefined || future.done()) return future
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => {
        reject(
          new TimeoutError(
            `map() did not produce its next result within ${deadline.timeout} ms of the call; the rest of its work was cancelled`,
          ),
        )
        future.cancel() // this one too, if it has not started
      },
      Math.max(0, deadline.at - performance.now()),
    )
    future.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    )
  })
}

function isChunkFailure(value: unknown): value is ChunkFailure {
  return !Array.isArray(value)
}

type Source = { readonly sync: true; readonly it: Iterator<unknown> } | { readonly sync: false; readonly it: AsyncIterator<unknown> }

function openIterator(iterable: Iterable<unknown> | AsyncIterable<unknown>): Source {
  const value = iterable as { [Symbol.asyncIterator]?: () => AsyncIterator<unknown>; [Symbol.iterator]?: () => Iterator<unknown> }
  if (value !== null && typeof value === "object" && typeof value[Symbol.asyncIterator] === "function")
    return { sync: false, it: value[Symbol.asyncIterator]!() }
  if (value !== null && value !== undefined && typeof value[Symbol.iterator] === "function")
    return { sync: true, it: value[Symbol.iterator]!() }
  throw new TypeError("map(fn, iterable) needs an iterable or async iterable as its second argument")
}

async function* run(
  source: Source,
  chunksize: number,
  window: () => number,
  pool: MapSubmitter,
  deadline: Deadline | undefined,
): AsyncGenerator<unknown> {
  const inFlight: Future<unknown>[] = []
  let exhausted = false
  try {
    for (;;) {
      const maxInFlight = window()
      while (!exhausted && inFlight.length < maxInFlight) {
        const items: unknown[] = []
        while (items.length < chunksize) {
          // A sync source is read without a microtask per item.
          const step = source.sync ? source.it.next() : await source.it.next()
          if (step.done) {
            exhausted = true
            break
          }
          items.push(step.value)
        }
        if (items.length === 0) break
        const full = pool.room()
        if (full !== undefined) await full
        inFlight.push(pool.submit(chunksize === 1 ? [items[0]] : items, chunksize !== 1))
      }
      const next = inFlight.shift()
      if (next === undefined) return
      const value = await byDeadline(next, deadline)
      if (chunksize === 1) yield value
      else if (isChunkFailure(value)) {
        // Per item, as Python's map: the items before the failing one, then its error at its position.
        for (const item of value.partial) yield item
        throw deserializeThrown(value.error)
      } else for (const item of value as unknown[]) yield item
    }
  } finally {
    for (const future of inFlight) future.cancel()
    if (!exhausted) await source.it.return?.()
  }
}
