import type { Future } from "./future.js"

export interface MapOptions {
  /** Items per task (default 1). Larger chunks amortise the per-task cost for tiny functions. */
  readonly chunksize?: number
  /** Chunks submitted and not yet consumed, at most (default: 4 × maxWorkers, at least 8). Bounds memory for endless iterables. */
  readonly maxInFlight?: number
}

export interface MapSubmitter {
  /** One task: `fn(items)` when not chunked, `fn` over each of `items` when chunked. */
  submit(items: unknown[], chunk: boolean): Future<unknown>
  /** Resolves when the pool's queue has room (maxQueue). */
  room(): Promise<void>
}

// pool.map: lazy, ordered, bounded. Items are pulled only to keep `maxInFlight` chunks in flight
// ahead of the consumer; results are yielded in input order; closing the loop early cancels the
// chunks that have not started and closes the source iterator.
export function mapTasks(
  fn: Function,
  iterable: Iterable<unknown> | AsyncIterable<unknown>,
  options: MapOptions,
  maxWorkers: number,
  pool: MapSubmitter,
): AsyncIterableIterator<unknown> {
  if (typeof fn !== "function") throw new TypeError(`map(fn, iterable) takes a function first, got ${typeof fn}`)
  const chunksize = options.chunksize ?? 1
  if (!Number.isInteger(chunksize) || chunksize < 1) throw new RangeError(`chunksize must be an integer >= 1, got ${String(chunksize)}`)
  const maxInFlight = options.maxInFlight ?? Math.max(8, 4 * maxWorkers)
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new RangeError(`maxInFlight must be an integer >= 1, got ${String(maxInFlight)}`)
  const source = openIterator(iterable)
  return run(source, chunksize, maxInFlight, pool)
}

type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>

function openIterator(iterable: Iterable<unknown> | AsyncIterable<unknown>): AnyIterator {
  const value = iterable as { [Symbol.asyncIterator]?: () => AsyncIterator<unknown>; [Symbol.iterator]?: () => Iterator<unknown> }
  if (value !== null && typeof value === "object" && typeof value[Symbol.asyncIterator] === "function") return value[Symbol.asyncIterator]!()
  if (value !== null && value !== undefined && typeof value[Symbol.iterator] === "function") return value[Symbol.iterator]!()
  throw new TypeError("map(fn, iterable) needs an iterable or async iterable as its second argument")
}

async function* run(source: AnyIterator, chunksize: number, maxInFlight: number, pool: MapSubmitter): AsyncGenerator<unknown> {
  const inFlight: Future<unknown>[] = []
  let exhausted = false
  try {
    for (;;) {
      while (!exhausted && inFlight.length < maxInFlight) {
        const items: unknown[] = []
        while (items.length < chunksize) {
          const step = await source.next()
          if (step.done) {
            exhausted = true
            break
          }
          items.push(step.value)
        }
        if (items.length === 0) break
        await pool.room()
        inFlight.push(pool.submit(chunksize === 1 ? [items[0]] : items, chunksize !== 1))
      }
      const next = inFlight.shift()
      if (next === undefined) return
      const value = await next
      if (chunksize === 1) yield value
      else for (const item of value as unknown[]) yield item
    }
  } finally {
    for (const future of inFlight) future.cancel()
    if (!exhausted) await source.return?.()
  }
}
