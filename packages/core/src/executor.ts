import type { Future } from "./pool/future.js"
import type { MapOptions } from "./pool/map.js"

type AnyFunction = (...args: never[]) => unknown
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never
type ResultOf<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never

/** Per-task options every executor honours (a ThreadPool accepts more, e.g. `transfer`). */
export interface ExecutorRunOptions<A extends readonly unknown[] = readonly unknown[]> {
  /** The arguments the target is called with; typed from its parameters. */
  readonly args?: A
  /** Aborting it removes a queued task, or stops a running one (its thread's signal aborts). */
  readonly signal?: AbortSignal
  /** Milliseconds from the task's start; then it is stopped like an abort and rejects `TimeoutError`. */
  readonly timeout?: number
}

/** Options of `Executor.shutdown()`. */
export interface ExecutorShutdownOptions {
  /** Resolve only once every pending task has settled (default true). */
  readonly wait?: boolean
  /** Cancel every task that has not started (default false). */
  readonly cancelFutures?: boolean
}

/**
 * What `ThreadPool` and other executors (such as `@weft/bullmq`'s `ClusterPool`) share, like
 * Python's `concurrent.futures.Executor`: code written against it runs unchanged on either. Their
 * futures are weft `Future`s, so `asCompleted` and `wait` accept them.
 */
export interface Executor extends AsyncDisposable {
  /** Schedules `target(...args)`; returns its Future at once. */
  submit<F extends AnyFunction>(target: F, ...args: ArgsOf<F>): Future<ResultOf<F>>
  /** Like `submit`, with per-task options. */
  run<F extends AnyFunction>(target: F, options?: ExecutorRunOptions<ArgsOf<F>>): Future<ResultOf<F>>
  /**
   * Applies `fn` to every item, lazily, yielding results in input order.
   * @typeParam F - The function applied to each item.
   */
  map<F extends (item: never) => unknown>(
    fn: F,
    iterable: Iterable<ArgsOf<F>[0]> | AsyncIterable<ArgsOf<F>[0]>,
    options?: MapOptions,
  ): AsyncIterableIterator<ResultOf<F>>
  /** Stops accepting tasks; with `wait` (default) resolves once every task has settled. */
  shutdown(options?: ExecutorShutdownOptions): Promise<void>
  /** `await using`: shuts the executor down, waiting for its tasks. */
  [Symbol.asyncDispose](): Promise<void>
}
