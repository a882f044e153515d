import { ensureDisposeSymbols } from "../dispose-symbols.js"
import { abortError, BrokenThreadPool, QueueFull, RuntimeError, ThreadTargetError } from "../errors.js"
import { describe } from "../registry.js"
import { getRuntime } from "../runtime.js"
import type { Executor } from "../executor.js"
import { prepareCall } from "../target-ref.js"
import type { RuntimeThreadOptions } from "../thread.js"
import { Dispatcher, type Task } from "./dispatcher.js"
import type { Future } from "./future.js"
import { mapTasks, type MapOptions } from "./map.js"
import type { PoolInitMessage, TaskExtra } from "./pool-protocol.js"
import type { PoolStats } from "./pool-stats.js"
import { PoolTask } from "./pool-task.js"
import { allPrimitive, cloneArgs } from "./task-args.js"
import { captureSite, checkRunOptions, checkTaskArgs, checkTimeout } from "./task-checks.js"
import { TargetTable } from "./target-table.js"
import { streamOf } from "./pool-stream.js"
import { highWaterMarkOf } from "../stream/credit-window.js"
import type { FinalOf, YieldOf } from "../stream/stream-types.js"

export type { PoolStats } from "./pool-stats.js"

type AnyFunction = (...args: never[]) => unknown
type Method<O> = { [K in keyof O]: O[K] extends AnyFunction ? K : never }[keyof O] & string
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never
type ResultOf<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never
type ReturnOf<F> = F extends (...args: never[]) => infer R ? R : never
type GeneratorFunction = (...args: never[]) => Generator<unknown, unknown, never> | AsyncGenerator<unknown, unknown, never>

/**
 * What `pool.stream()` returns: the values the generator yields, in order, as it yields them; the
 * final `{ done: true, value }` carries its return value. `return()` (or `break`) stops it in the worker.
 */
export type TaskStream<F> = AsyncIterableIterator<YieldOf<ReturnOf<F>>, FinalOf<ReturnOf<F>> | undefined, undefined>

/** Options of `new ThreadPool(options)`; runtime-specific keys (`node`, `deno`, `web`) apply to every worker. */
export interface ThreadPoolOptions extends RuntimeThreadOptions {
  /** Workers at most; default: the runtime's available parallelism. Workers start on demand. */
  readonly maxWorkers?: number
  /** Names the pool's threads `${name}_0`, `${name}_1`, ... (default `ThreadPool-N`). */
  readonly name?: string
  /** Milliseconds a worker may sit idle before it is stopped (default: never; idle workers never keep the process alive). */
  readonly idleTimeout?: number
  /** Replace a worker after it has run this many tasks (recycling). */
  readonly maxTasksPerWorker?: number
  /** Tasks that may wait for a worker; `submit`/`run` beyond that throw `QueueFull` (see the README). */
  readonly maxQueue?: number
  /** Runs once in each worker before its first task (registered or inline function). */
  readonly initializer?: AnyFunction
  /** The arguments `initializer` is called with. */
  readonly initargs?: readonly unknown[]
  /** How long a task that was aborted or timed out may keep running before its worker is terminated (default 1000 ms). */
  readonly graceMs?: number
  /** A worker that has not exited this long after terminate() is reported and abandoned (default 5000 ms). */
  readonly terminateTimeout?: number
  /**
   * Append the submit() site to a failed task's stack. Capturing a stack costs about 2 µs, so
   * "auto" (the default) captures it while fewer than 64 tasks wait, and skips it during floods.
   */
  readonly captureStacks?: boolean | "auto"
}

/** Per-task options of `ThreadPool.run()`. */
export interface RunOptions<A extends readonly unknown[] = readonly unknown[], P = unknown> {
  /** The arguments the target is called with; typed from its parameters. */
  readonly args?: A
  /** Aborting it removes a queued task, or stops a running one (its thread's signal aborts). */
  readonly signal?: AbortSignal
  /** Milliseconds from the task's start; then it is stopped like an abort and rejects `TimeoutError`. */
  readonly timeout?: number
  /** Objects to transfer rather than copy; detached at run(). */
  readonly transfer?: readonly object[]
  /** `true` makes run() return the generator's values as a stream (see `StreamRunOptions`). */
  readonly stream?: false
  /** Called with each value the task passes to `currentThread().progress(value)`, in order, before its Future settles. */
  readonly onProgress?: (value: P) => void
}

/** `ThreadPool.run(generatorFunction, { stream: true, ... })`: run() returns the values as an async iterator. */
export interface StreamRunOptions<A extends readonly unknown[] = readonly unknown[], P = unknown> extends Omit<RunOptions<A, P>, "stream"> {
  /** Run a generator target as a stream: run() returns its values as an async iterator instead of a Future. */
  readonly stream: true
  /** How many values the generator may run ahead of the reader (default 64); a paused reader pauses the generator. */
  readonly highWaterMark?: number
}

/** `ThreadPool.run()` options for an object target: the method's name and its arguments. */
export interface MethodRunOptions<A extends readonly unknown[], M extends string, P = unknown> extends RunOptions<A, P> {
  /** With an object target: the method to call on the worker's copy of the object. */
  readonly method: M
}

/** `ThreadPool.run(object, { method, stream: true })`: the values of a generator method. */
export interface MethodStreamRunOptions<A extends readonly unknown[], M extends string, P = unknown> extends StreamRunOptions<A, P> {
  /** The generator method to call on the worker's copy of the object (its fields are written back when it ends). */
  readonly method: M
}

/** Options of `ThreadPool.shutdown()`. */
export interface ShutdownOptions {
  /** Resolve only once every pending task has settled and every worker has exited (default true). */
  readonly wait?: boolean
  /** Cancel every task that has not started (default false). */
  readonly cancelFutures?: boolean
}

// Before the class body below reads Symbol.asyncDispose (WebKit has none).
ensureDisposeSymbols()

let poolCounter = 0

/**
 * A pool of worker threads running tasks, in the style of Python's `concurrent.futures.ThreadPoolExecutor`.
 *
 * Each worker holds several tasks at once and tasks travel in batches, so tiny tasks cost a few
 * microseconds; how many a worker holds adapts to how long tasks take. This class is the public
 * face: it checks options and arguments and makes each task; the dispatcher runs them.
 */
export class ThreadPool implements Executor {
  /** The pool's name, used in worker names and error messages. */
  readonly name: string
  /** The most workers the pool runs at once. */
  readonly maxWorkers: number
  readonly #options: ThreadPoolOptions
  readonly #captureStacks: boolean | "auto"
  readonly #targets = new TargetTable()
  readonly #dispatcher: Dispatcher
  readonly #label: string
  #closed = false
  #shutdownPromise: Promise<void> | undefined

  constructor(options: ThreadPoolOptions = {}) {
    if (typeof options !== "object" || options === null)
      throw new TypeError(`new ThreadPool(options) takes an options object, got ${describe(options)}`)
    const runtime = getRuntime()
    this.#options = { ...options }
    this.maxWorkers = positiveInt(options.maxWorkers, "maxWorkers") ?? Math.max(1, runtime.availableParallelism())
    const maxTasksPerWorker = positiveInt(options.maxTasksPerWorker, "maxTasksPerWorker")
    if (options.maxQueue !== undefined && !(Number.isInteger(options.maxQueue) && options.maxQueue >= 0) && options.maxQueue !== Infinity) {
      throw new RangeError(`maxQueue must be an integer >= 0 or Infinity, got ${String(options.maxQueue)}`)
    }
    const graceMs = nonNegative(options.graceMs, "graceMs") ?? 1000
    const terminateTimeout = nonNegative(options.terminateTimeout, "terminateTimeout") ?? 5000
    const idleTimeout = nonNegative(options.idleTimeout, "idleTimeout")
    this.#captureStacks = options.captureStacks ?? "auto"
    this.name = options.name ?? `ThreadPool-${poolCounter++}`
    this.#label = `a task of ${this.name}`
    let initializer: PoolInitMessage["initializer"]
    if (options.initializer !== undefined) {
      const prepared = prepareCall(options.initializer, undefined, options.initargs ?? [], `the initializer of ${this.name}`)
      initializer = { target: prepared.target, args: prepared.args, shared: prepared.shared }
    }
    this.#dispatcher = new Dispatcher(
      {
        name: this.name,
        label: this.#label,
        maxWorkers: this.maxWorkers,
        maxTasksPerWorker,
        maxQueue: options.maxQueue,
        graceMs,
        idleTimeout,
        terminateTimeout,
        perRuntime: (options as Record<string, unknown>)[runtime.name] as Readonly<Record<string, unknown>> | undefined,
        initializer,
      },
      this.#targets,
    )
  }

  /** Schedules `target(...args)` on a worker; returns its Future at once. */
  submit<F extends AnyFunction>(target: F, ...args: ArgsOf<F>): Future<ResultOf<F>> {
    return this.#enqueue(target, undefined, args, undefined, false) as Future<ResultOf<F>>
  }

  /**
   * Like `submit`, with per-task options; with `{ method }` the target is an object whose method
   * runs. With `{ stream: true }` the target is a generator function and run() returns its values
   * (as `stream()` does), with `highWaterMark`, `signal`, `timeout` (for the whole stream) and `transfer`.
   */
  run<F extends GeneratorFunction, P = unknown>(target: F, options: StreamRunOptions<ArgsOf<F>, P>): TaskStream<F>
  run<O extends object, M extends Method<O>, P = unknown>(target: O, options: MethodStreamRunOptions<ArgsOf<O[M]>, M, P>): TaskStream<O[M]>
  run<F extends AnyFunction, P = unknown>(target: F, options?: RunOptions<ArgsOf<F>, P>): Future<ResultOf<F>>
  run<O extends object, M extends Method<O>, P = unknown>(target: O, options: MethodRunOptions<ArgsOf<O[M]>, M, P>): Future<ResultOf<O[M]>>
  run(
    target: AnyFunction | object,
    options: (RunOptions | StreamRunOptions) & { method?: string } = {},
  ): Future<unknown> | TaskStream<AnyFunction> {
    checkRunOptions(options)
    if (options.stream !== true) return this.#enqueue(target, options.method, options.args ?? [], options, false)
    const highWaterMark = highWaterMarkOf(options.highWaterMark)
    const task = this.#enqueue(target, options.method, options.args ?? [], options, false, highWaterMark)
    return streamOf(task, highWaterMark, this.#dispatcher)
  }

  /**
   * Runs generator function `target(...args)` on a worker and returns what it yields as an async
   * iterator, with backpressure: the generator runs ahead of the reader by at most 64 values
   * (`run(target, { stream: true, highWaterMark })` to choose). `break`/`return()` closes the
   * generator in the worker (its `finally` blocks run) and resolves once it has stopped.
   */
  stream<F extends GeneratorFunction>(target: F, ...args: ArgsOf<F>): TaskStream<F> {
    return this.run(target, { args, stream: true } as StreamRunOptions<ArgsOf<F>>)
  }

  /**
   * Applies `fn` to every item, in workers, yielding results in input order. Lazy: items are
   * pulled only as results are consumed, at most `maxInFlight` chunks ahead (default: scaled to
   * keep every worker's batch full, see MapOptions), so an endless iterable is fine. Results come
   * per item, also with `chunksize`: a failing item raises its error at its position. With
   * `timeout` (ms from this call) a result not ready in time rejects `TimeoutError`. Closing the
   * loop early, an error or a timeout cancels what has not started.
   * @typeParam F - The function applied to each item.
   */
  map<F extends (item: never) => unknown>(
    fn: F,
    iterable: Iterable<ArgsOf<F>[0]> | AsyncIterable<ArgsOf<F>[0]>,
    options: MapOptions = {},
  ): AsyncIterableIterator<ResultOf<F>> {
    this.#checkOpen()
    return mapTasks(fn, iterable, options, {
      submit: (items, chunk) => this.#enqueue(fn, undefined, items, undefined, chunk),
      room: () => this.#dispatcher.room(),
      window: () => 2 * this.maxWorkers * this.#dispatcher.depth,
    }) as AsyncIterableIterator<ResultOf<F>>
  }

  /**
   * Stops accepting tasks. With `cancelFutures`, tasks that have not started are cancelled. With
   * `wait` (default), resolves once every task has settled and every worker has exited; rejects
   * with `TimeoutError` if a worker did not exit after being terminated.
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    const { wait = true, cancelFutures = false } = options
    this.#closed = true
    if (cancelFutures) this.#dispatcher.cancelQueued()
    this.#shutdownPromise ??= this.#dispatcher.drained().then(() => this.#dispatcher.workers.stopAll("shutdown"))
    if (!wait) {
      this.#shutdownPromise.catch(() => {})
      return Promise.resolve()
    }
    return this.#shutdownPromise
  }

  /** `await using pool = new ThreadPool()`: shuts the pool down, waiting for its tasks. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true })
  }

  /** Counts and timings of the pool's workers and tasks so far. */
  stats(): PoolStats {
    return this.#dispatcher.stats()
  }

  // --- submitting -------------------------------------------------------------------------

  #checkOpen(): void {
    const broken = this.#dispatcher.broken
    if (broken !== undefined) throw new BrokenThreadPool(broken.message, { cause: broken.cause })
    if (this.#closed) throw new RuntimeError(`cannot schedule new tasks on ${this.name} after shutdown()`)
  }

  #enqueue(
    target: unknown,
    method: string | undefined,
    args: readonly unknown[],
    options: RunOptions | StreamRunOptions | undefined,
    chunk: boolean,
    stream?: number,
  ): Task {
    this.#checkOpen()
    const max = this.#options.maxQueue
    const queue = this.#dispatcher.queue
    if (max !== undefined && queue.size >= max) {
      throw new QueueFull(
        `${this.name} already has ${max} tasks waiting (maxQueue): wait for some to finish, e.g. await one of the futures, then submit again`,
      )
    }
    const label = this.#label
    let index: number
    let extra: TaskExtra | undefined
    let payload: unknown = args
    let transfer: readonly object[] | undefined
    let self: object | undefined
    checkTaskArgs(args, label)
    if (typeof target === "function" && method === undefined) {
      index = this.#targets.indexOfFunction(target)
      if (options?.transfer !== undefined || !allPrimitive(args)) {
        const cloned = cloneArgs(args, options?.transfer, label)
        payload = cloned.args
        transfer = cloned.transfer
        if (cloned.shared) extra = { shared: true }
      }
    } else {
      const prepared = prepareCall(target, method, args, label)
      if (prepared.target.kind !== "method")
        throw new ThreadTargetError(`the target of ${label} must be a function, or an object with { method }`)
      index = this.#targets.indexOfMethod(prepared.target)
      payload = prepared.args
      extra = { state: prepared.state, shared: prepared.shared }
      self = target as object
      if (options?.transfer !== undefined) {
        const cloned = cloneArgs(args, options.transfer, label)
        payload = cloned.args
        transfer = cloned.transfer
      }
    }
    if (chunk) extra = { ...extra, chunk: true }
    const timeout = options?.timeout
    checkTimeout(timeout)
    if (timeout !== undefined) {
      extra = { ...extra, announce: true, stoppable: true }
    }
    const signal = options?.signal
    if (signal !== undefined && timeout === undefined) extra = { ...extra, stoppable: true }
    const onProgress = options?.onProgress
    if (onProgress !== undefined && typeof onProgress !== "function")
      throw new TypeError(`onProgress must be a function (value) => void, got ${describe(onProgress)}`)
    // A stream's reader may stop it while it runs: like a task with a signal.
    if (stream !== undefined || onProgress !== undefined)
      extra = { ...extra, stream, progress: onProgress !== undefined, stoppable: extra?.stoppable || stream !== undefined }
    const task: Task = new PoolTask(this.#dispatcher, index, payload, extra, transfer)
    this.#dispatcher.adopt()
    if (self !== undefined || timeout !== undefined || signal !== undefined || onProgress !== undefined)
      task.rare = { self, timeout, onProgress: onProgress as ((value: unknown) => void) | undefined }
    if (captureSite(this.#captureStacks, queue.size)) task.site = new Error()
    if (signal !== undefined) {
      if (signal.aborted) {
        task.settleError(abortError(signal.reason))
        return task
      }
      const rare = task.rare!
      rare.signal = signal
      rare.onAbort = () => this.#dispatcher.stop(task, abortError(signal.reason), signal.reason)
      signal.addEventListener("abort", rare.onAbort, { once: true })
    }
    this.#dispatcher.enqueue(task)
    return task
  }
}

function positiveInt(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1, got ${String(value)}`)
  return value
}

function nonNegative(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== "number" || !(value >= 0))
    throw new RangeError(`${name} must be a number of milliseconds >= 0, got ${String(value)}`)
  return value
}
