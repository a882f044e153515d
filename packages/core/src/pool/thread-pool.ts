import { deserializeThrown, serializeThrown } from "../error-transport.js"
import { abortError, QueueFull, RuntimeError, ThreadExitError, ThreadTargetError, TimeoutError } from "../errors.js"
import { inlineSource } from "../inline-target.js"
import { sharedLiveness, threadEnded } from "../liveness.js"
import type { TargetRef } from "../protocol.js"
import { describe, registrationOf } from "../registry.js"
import { getRuntime, type Runtime, type WorkerExit } from "../runtime.js"
import { decodeShared, encodeShared, FROM_THREAD } from "../shareable.js"
import { prepareCall } from "../target-ref.js"
import { validateArgs, writeBackState } from "../thread-state.js"
import { allocateIdent, sharedIdentCounter, type RuntimeThreadOptions } from "../thread.js"
import type { Future } from "./future.js"
import { mapTasks, type MapOptions } from "./map.js"
import {
  FAILED,
  HAS_STATE,
  jobIdOf,
  QUEUED,
  RESULT_STRIDE,
  RING_MASK,
  SHARED,
  SKIPPED,
  STARTED,
  WITHDRAWN,
  WORDS_PER_SLOT,
  type PoolFromWorker,
  type PoolInitMessage,
  type TaskExtra,
} from "./pool-protocol.js"
import { Samples, type Percentiles } from "./pool-stats.js"
import { PoolTask, type TaskOwner } from "./pool-task.js"
import { PoolWorker, type Termination } from "./pool-worker.js"
import { TaskQueue } from "./task-queue.js"
import { unrefTimer } from "../unref-timer.js"

type AnyFunction = (...args: never[]) => unknown
type Method<O> = { [K in keyof O]: O[K] extends AnyFunction ? K : never }[keyof O] & string
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never
type ResultOf<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never

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

export interface RunOptions<A extends readonly unknown[] = readonly unknown[]> {
  readonly args?: A
  /** Aborting it removes a queued task, or stops a running one (its thread's signal aborts). */
  readonly signal?: AbortSignal
  /** Milliseconds from the task's start; then it is stopped like an abort and rejects `TimeoutError`. */
  readonly timeout?: number
  /** Objects to transfer rather than copy; detached at run(). */
  readonly transfer?: readonly object[]
}

export interface MethodRunOptions<A extends readonly unknown[], M extends string> extends RunOptions<A> {
  /** With an object target: the method to call on the worker's copy of the object. */
  readonly method: M
}

export interface ShutdownOptions {
  /** Resolve only once every pending task has settled and every worker has exited (default true). */
  readonly wait?: boolean
  /** Cancel every task that has not started (default false). */
  readonly cancelFutures?: boolean
}

export interface PoolStats {
  readonly workers: number
  /** Workers holding at least one task. */
  readonly busy: number
  /** Tasks not yet sent to a worker. */
  readonly queued: number
  /** Tasks sent to workers and not yet answered (running or about to). */
  readonly inFlight: number
  readonly completed: number
  readonly failed: number
  readonly cancelled: number
  /** Workers that did not exit after terminate() and were abandoned. */
  readonly stuckWorkers: number
  /** Milliseconds a task ran in its worker (last 1024 tasks). */
  readonly runTime: Percentiles
  /** Milliseconds from submit() to the task's start, transport included (last 1024 tasks). */
  readonly waitTime: Percentiles
}

const MIN_DEPTH = 2
const MAX_DEPTH = 256
/** Keep about this much work (ms) queued in each worker, so it never waits for the pool; twice the worker's result flush interval. */
const QUEUED_WORK_MS = 8
const STACK_FLOOD = 64

let poolCounter = 0

/**
 * A pool of worker threads running tasks, in the style of Python's `concurrent.futures.ThreadPoolExecutor`.
 *
 * Each worker holds several tasks at once and tasks travel in batches, so tiny tasks cost a few
 * microseconds; how many a worker holds adapts to how long tasks take.
 */
export class ThreadPool implements AsyncDisposable {
  readonly name: string
  readonly maxWorkers: number
  readonly #runtime: Runtime
  readonly #options: ThreadPoolOptions
  readonly #graceMs: number
  readonly #terminateTimeout: number
  readonly #captureStacks: boolean | "auto"
  readonly #owner: TaskOwner
  #workers: PoolWorker[] = []
  #workerCounter = 0
  readonly #queue = new TaskQueue()
  /** Tasks in the queue that were withdrawn and will be skipped. */
  #withdrawnInQueue = 0
  readonly #refs: TargetRef[] = []
  readonly #refByValue = new WeakMap<object, number>()
  readonly #refByKey = new Map<string, number>()
  #depth = 16
  #avgRun = -1
  #unsettled = 0
  #scheduled = false
  #closed = false
  #broken: unknown = undefined
  #completed = 0
  #failed = 0
  #cancelled = 0
  #stuck = 0
  readonly #stuckNames: string[] = []
  readonly #runTimes = new Samples()
  readonly #waitTimes = new Samples()
  #drainWaiters: (() => void)[] = []
  #roomWaiters: (() => void)[] = []
  #shutdownPromise: Promise<void> | undefined
  readonly #initializer: PoolInitMessage["initializer"]
  readonly #label: string

  constructor(options: ThreadPoolOptions = {}) {
    if (typeof options !== "object" || options === null) throw new TypeError(`new ThreadPool(options) takes an options object, got ${describe(options)}`)
    this.#runtime = getRuntime()
    this.#options = { ...options }
    this.maxWorkers = positiveInt(options.maxWorkers, "maxWorkers") ?? Math.max(1, this.#runtime.availableParallelism())
    positiveInt(options.maxTasksPerWorker, "maxTasksPerWorker")
    if (options.maxQueue !== undefined && !(Number.isInteger(options.maxQueue) && options.maxQueue >= 0) && options.maxQueue !== Infinity) {
      throw new RangeError(`maxQueue must be an integer >= 0 or Infinity, got ${String(options.maxQueue)}`)
    }
    this.#graceMs = nonNegative(options.graceMs, "graceMs") ?? 1000
    this.#terminateTimeout = nonNegative(options.terminateTimeout, "terminateTimeout") ?? 5000
    nonNegative(options.idleTimeout, "idleTimeout")
    this.#captureStacks = options.captureStacks ?? "auto"
    this.name = options.name ?? `ThreadPool-${poolCounter++}`
    this.#label = `a task of ${this.name}`
    if (options.initializer !== undefined) {
      const prepared = prepareCall(options.initializer, undefined, options.initargs ?? [], `the initializer of ${this.name}`)
      this.#initializer = { target: prepared.target, args: prepared.args, shared: prepared.shared }
    }
    this.#owner = {
      withdraw: (task) => this.#withdraw(task),
      settled: (task) => this.#onSettled(task),
    }
  }

  /** Schedules `target(...args)` on a worker; returns its Future at once. */
  submit<F extends AnyFunction>(target: F, ...args: ArgsOf<F>): Future<ResultOf<F>> {
    return this.#enqueue(target, undefined, args, undefined, false) as Future<ResultOf<F>>
  }

  /** Like `submit`, with per-task options; with `{ method }` the target is an object whose method runs. */
  run<F extends AnyFunction>(target: F, options?: RunOptions<ArgsOf<F>>): Future<ResultOf<F>>
  run<O extends object, M extends Method<O>>(target: O, options: MethodRunOptions<ArgsOf<O[M]>, M>): Future<ResultOf<O[M]>>
  run(target: AnyFunction | object, options: RunOptions & { method?: string } = {}): Future<unknown> {
    if (typeof options !== "object" || options === null) throw new TypeError(`run(target, options) takes an options object, got ${describe(options)}`)
    return this.#enqueue(target, options.method, options.args ?? [], options, false)
  }

  /**
   * Applies `fn` to every item, in workers, yielding results in input order. Lazy: items are
   * pulled only as results are consumed, at most `maxInFlight` chunks ahead (default: scaled to
   * keep every worker's batch full, see MapOptions), so an endless iterable is fine. Closing the
   * loop early cancels what has not started.
   */
  map<F extends (item: never) => unknown>(fn: F, iterable: Iterable<ArgsOf<F>[0]> | AsyncIterable<ArgsOf<F>[0]>, options: MapOptions = {}): AsyncIterableIterator<ResultOf<F>> {
    this.#checkOpen()
    return mapTasks(fn, iterable, options, {
      submit: (items, chunk) => this.#enqueue(fn, undefined, items, undefined, chunk),
      room: () => this.#room(),
      window: () => 2 * this.maxWorkers * this.#depth,
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
    if (cancelFutures) this.#cancelQueued()
    this.#shutdownPromise ??= this.#drained().then(() => this.#stopAll("shutdown"))
    if (!wait) {
      this.#shutdownPromise.catch(() => {})
      return Promise.resolve()
    }
    return this.#shutdownPromise
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true })
  }

  stats(): PoolStats {
    let busy = 0
    let inFlight = 0
    for (const worker of this.#workers) {
      // Slots of stolen or stopped tasks wait for the worker's acknowledgement: not work.
      let held = 0
      for (const seq of worker.held()) {
        const task = worker.ring[seq & RING_MASK]
        if (task !== undefined && !task.done()) held++
      }
      if (held > 0) busy++
      inFlight += held
    }
    return {
      workers: this.#workers.length,
      busy,
      queued: this.#queue.size - this.#withdrawnInQueue,
      inFlight,
      completed: this.#completed,
      failed: this.#failed,
      cancelled: this.#cancelled,
      stuckWorkers: this.#stuck,
      runTime: this.#runTimes.percentiles(),
      waitTime: this.#waitTimes.percentiles(),
    }
  }

  // --- submitting -------------------------------------------------------------------------

  #checkOpen(): void {
    if (this.#broken !== undefined) {
      throw new RuntimeError(`${this.name} is broken (a worker could not start or its initializer failed): create a new pool`, { cause: this.#broken })
    }
    if (this.#closed) throw new RuntimeError(`cannot schedule new tasks on ${this.name} after shutdown()`)
  }

  #enqueue(target: unknown, method: string | undefined, args: readonly unknown[], options: RunOptions | undefined, chunk: boolean): PoolTask {
    this.#checkOpen()
    const max = this.#options.maxQueue
    if (max !== undefined && this.#queue.size - this.#withdrawnInQueue >= max) {
      throw new QueueFull(`${this.name} already has ${max} tasks waiting (maxQueue): wait for some to finish, e.g. await one of the futures, then submit again`)
    }
    const label = this.#label
    let index: number
    let extra: TaskExtra | undefined
    let payload: unknown = args
    let transfer: readonly object[] | undefined
    let self: object | undefined
    if (!Array.isArray(args)) throw new TypeError(`args of ${label} must be an array, got ${describe(args)}`)
    if (typeof target === "function" && method === undefined) {
      index = this.#refByValue.get(target) ?? this.#functionRef(target)
      if (options?.transfer !== undefined || !allPrimitive(args)) {
        const cloned = cloneArgs(args, options?.transfer, label)
        payload = cloned.args
        transfer = cloned.transfer
        if (cloned.shared) extra = { shared: true }
      }
    } else {
      const prepared = prepareCall(target, method, args, label)
      if (prepared.target.kind !== "method") throw new ThreadTargetError(`the target of ${label} must be a function, or an object with { method }`)
      index = this.#methodRef(prepared.target)
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
    if (timeout !== undefined) {
      if (typeof timeout !== "number" || !(timeout >= 0)) throw new RangeError(`timeout must be a number of milliseconds >= 0, got ${String(timeout)}`)
      extra = { ...extra, announce: true, stoppable: true }
    }
    const signal = options?.signal
    if (signal !== undefined && timeout === undefined) extra = { ...extra, stoppable: true }
    const task = new PoolTask(this.#owner, index, payload, extra, transfer)
    this.#unsettled++
    if (self !== undefined || timeout !== undefined || signal !== undefined) task.rare = { self, timeout }
    if (this.#captureStacks === true || (this.#captureStacks === "auto" && this.#queue.size < STACK_FLOOD)) task.site = new Error()
    if (signal !== undefined) {
      if (signal.aborted) {
        task.settleError(abortError(signal.reason))
        return task
      }
      const rare = task.rare!
      rare.signal = signal
      rare.onAbort = () => this.#stop(task, abortError(signal.reason), signal.reason)
      signal.addEventListener("abort", rare.onAbort, { once: true })
    }
    this.#queue.push(task)
    if (!this.#scheduled) {
      this.#scheduled = true
      queueMicrotask(this.#pumpSoon)
    }
    return task
  }

  #functionRef(fn: Function): number {
    const registered = registrationOf(fn)
    let ref: TargetRef
    let key: string
    if (registered !== undefined) {
      ref = { kind: "registered", ...registered }
      key = `r\0${registered.key}`
    } else {
      const source = inlineSource(fn)
      ref = { kind: "inline", source, name: fn.name || "anonymous" }
      key = `i\0${ref.name}\0${source}`
    }
    let index = this.#refByKey.get(key)
    if (index === undefined) {
      index = this.#refs.push(ref) - 1
      this.#refByKey.set(key, index)
    }
    this.#refByValue.set(fn, index)
    return index
  }

  #methodRef(ref: TargetRef & { kind: "method" }): number {
    const key = `m\0${ref.key}\0${ref.method}`
    let index = this.#refByKey.get(key)
    if (index === undefined) {
      index = this.#refs.push(ref) - 1
      this.#refByKey.set(key, index)
    }
    return index
  }

  // --- dispatching ------------------------------------------------------------------------

  readonly #pumpSoon = (): void => {
    this.#scheduled = false
    this.#pump()
  }

  /** Sends queued tasks to workers, starting workers as needed, in one batch per worker. */
  #pump(): void {
    if (this.#queue.size - this.#withdrawnInQueue <= 0 || this.#broken !== undefined) {
      if (this.#queue.size > 0 && this.#queue.size === this.#withdrawnInQueue) this.#dropWithdrawn()
      return
    }
    let idle = 0
    for (const worker of this.#workers) if (worker.inFlight === 0 && worker.terminating === undefined) idle++
    const waiting = this.#queue.size - this.#withdrawnInQueue
    let spawn = Math.min(waiting - idle, this.maxWorkers - this.#workers.length)
    while (spawn-- > 0) this.#spawn()
    const limit = this.#options.maxTasksPerWorker
    const depth = this.#depth
    for (;;) {
      let candidates: PoolWorker[] | undefined
      for (const worker of this.#workers) {
        if (worker.terminating !== undefined || worker.inFlight >= depth) continue
        if (limit !== undefined && worker.sent >= limit) continue
        ;(candidates ??= []).push(worker)
      }
      if (candidates === undefined) break
      if (candidates.length > 1) candidates.sort((a, b) => a.inFlight - b.inFlight)
      const share = Math.ceil((this.#queue.size - this.#withdrawnInQueue) / candidates.length)
      let gave = 0
      for (const worker of candidates) {
        let n = Math.min(share, depth - worker.inFlight, limit === undefined ? Infinity : limit - worker.sent)
        while (n > 0) {
          const task = this.#queue.shift()
          if (task === undefined) break
          if (task.withdrawn) {
            this.#withdrawnInQueue--
            continue
          }
          if (worker.inFlight === 0) this.#wake(worker)
          worker.assign(task)
          n--
          gave++
        }
      }
      if (gave === 0 || this.#queue.size === 0) break
    }
    for (const worker of this.#workers) worker.flush(this.#refs)
    this.#notifyRoom()
  }

  #dropWithdrawn(): void {
    while (this.#queue.size > 0 && this.#queue.shift()?.withdrawn) this.#withdrawnInQueue--
  }

  #spawn(): PoolWorker {
    const runtime = this.#runtime
    const name = `${this.name}_${this.#workerCounter++}`
    const perRuntime = (this.#options as Record<string, unknown>)[runtime.name] as Readonly<Record<string, unknown>> | undefined
    const handle = runtime.spawn({ name, daemon: false, options: perRuntime })
    const worker = new PoolWorker(handle, name, runtime.capabilities.sharedMemory)
    this.#workers.push(worker)
    handle.listen((message) => this.#onMessage(worker, message as PoolFromWorker))
    handle.exited.then((exit) => this.#onExit(worker, exit))
    const identCounter = runtime.threadId === undefined ? sharedIdentCounter(runtime.capabilities.sharedMemory) : undefined
    worker.ident = handle.threadId ?? allocateIdent()
    handle.post({
      t: "pool-init",
      thread: { name, ident: worker.ident, daemon: false },
      control: worker.control,
      identCounter,
      liveness: sharedLiveness(runtime.capabilities.sharedMemory),
      initializer: this.#initializer,
    } satisfies PoolInitMessage)
    return worker
  }

  /** A worker about to get work keeps the process alive again. */
  #wake(worker: PoolWorker): void {
    if (worker.idleTimer !== undefined) {
      clearTimeout(worker.idleTimer)
      worker.idleTimer = undefined
    }
    if (!worker.referenced) {
      worker.referenced = true
      worker.handle.ref()
    }
  }

  /** A worker with nothing to do: it must not keep the process alive; it may retire or time out. */
  #rest(worker: PoolWorker): void {
    // A worker being stopped may still send results (tasks it skipped): leave it ref'd, or a
    // caller awaiting shutdown() sees the process end before the worker's exit.
    if (worker.terminating !== undefined) return
    const limit = this.#options.maxTasksPerWorker
    if (limit !== undefined && worker.sent >= limit) return this.#terminate(worker, "retired")
    if (worker.referenced) {
      worker.referenced = false
      worker.handle.unref()
    }
    const idle = this.#options.idleTimeout
    if (idle !== undefined && idle !== Infinity && worker.idleTimer === undefined) {
      worker.idleTimer = unrefTimer(setTimeout(() => {
        worker.idleTimer = undefined
        if (worker.inFlight === 0) this.#terminate(worker, "idle")
      }, idle))
    }
  }

  // --- results ----------------------------------------------------------------------------

  /** A worker's message. Anything that is not one of the pool's (user code can post on the port too) is ignored. */
  #onMessage(worker: PoolWorker, message: PoolFromWorker): void {
    if (typeof message !== "object" || message === null || !worker.alive) return
    switch (message.t) {
      case "pool-results":
        if (Array.isArray(message.results)) this.#onResults(worker, message.results)
        return
      case "pool-started": {
        if (typeof message.seq !== "number") return
        const task = worker.ring[message.seq & RING_MASK]
        const timeout = task?.rare?.timeout
        if (task !== undefined && task.seq === message.seq && !task.done() && timeout !== undefined) {
          task.rare!.timer = unrefTimer(setTimeout(() => {
            const error = new TimeoutError(`${this.#label} did not finish within ${timeout} ms`)
            this.#stop(task, error, error)
          }, timeout))
        }
        return
      }
      case "pool-ready":
        if (message.error !== undefined) {
          const error = deserializeThrown(message.error)
          this.#breakPool(error instanceof Error ? error : new RuntimeError(`the initializer of ${this.name} failed`, { cause: error }))
          return
        }
        worker.ready = true
    }
  }

  #onResults(worker: PoolWorker, results: readonly unknown[]): void {
    // A batch answers the oldest tasks the worker holds; one that answers more, or is cut short, is not the pool's.
    if (results.length % RESULT_STRIDE !== 0 || results.length / RESULT_STRIDE > worker.inFlight) return
    const now = performance.now()
    const control = worker.control
    let runSum = 0
    let ran = 0
    for (let i = 0; i < results.length; i += RESULT_STRIDE) {
      const seq = worker.head++
      const slot = seq & RING_MASK
      const task = worker.ring[slot]
      worker.ring[slot] = undefined
      if (control !== undefined) Atomics.store(control, slot * WORDS_PER_SLOT, QUEUED)
      const status = typeof results[i] === "number" ? (results[i] as number) : FAILED
      if (status & SKIPPED || task === undefined) continue
      const runTime = typeof results[i + 2] === "number" ? (results[i + 2] as number) : 0
      runSum += runTime
      ran++
      this.#runTimes.add(runTime)
      this.#waitTimes.add(Math.max(0, now - task.submitted - runTime))
      if (task.done()) continue // stopped by its signal or timeout; its grace timer sees it returned
      this.#settleFromWorker(task, status, results[i + 1])
    }
    if (ran > 0) this.#adapt(runSum / ran)
    if (worker.inFlight === 0) {
      if (this.#queue.size === 0 && control !== undefined) this.#steal(worker)
      if (worker.inFlight === 0) this.#rest(worker)
    }
    this.#pump()
  }

  /** Settles a task with what its worker sent; what cannot be rebuilt fails this task alone. */
  #settleFromWorker(task: PoolTask, status: number, value: unknown): void {
    let failed = (status & FAILED) !== 0
    try {
      if (status & HAS_STATE) {
        const carried = value as { value: unknown; state: Parameters<typeof writeBackState>[1] }
        if (typeof carried !== "object" || carried === null) throw new TypeError("weft: a malformed task result arrived from a worker")
        if (task.rare?.self !== undefined) writeBackState(task.rare.self, carried.state)
        value = carried.value
      }
      if (!failed && status & SHARED) value = decodeShared(value, FROM_THREAD)
    } catch (error) {
      failed = true
      value = serializeThrown(error)
    }
    if (failed) {
      this.#failed++
      task.settleError(deserializeThrown(value, callerStack(task, this.#label)))
    } else {
      this.#completed++
      task.settleValue(value)
    }
  }

  /** Sizes how many tasks a worker holds from how long tasks run (exponential average). */
  #adapt(run: number): void {
    this.#avgRun = this.#avgRun < 0 ? run : this.#avgRun * 0.8 + run * 0.2
    const depth = Math.ceil(QUEUED_WORK_MS / Math.max(this.#avgRun, 0.001))
    this.#depth = depth < MIN_DEPTH ? MIN_DEPTH : depth > MAX_DEPTH ? MAX_DEPTH : depth
  }

  /** An idle worker takes back half of the not-yet-started tasks of the busiest one. */
  #steal(idle: PoolWorker): void {
    let victim: PoolWorker | undefined
    for (const worker of this.#workers) if (worker !== idle && worker.control !== undefined && worker.inFlight > 1 && (victim === undefined || worker.inFlight > victim.inFlight)) victim = worker
    if (victim === undefined) return
    const control = victim.control!
    const stolen: PoolTask[] = []
    const want = victim.inFlight >> 1
    for (let seq = victim.tail - 1; seq > victim.head && stolen.length < want; seq--) {
      const slot = seq & RING_MASK
      const task = victim.ring[slot]
      if (task === undefined || task.done()) continue
      if (Atomics.compareExchange(control, slot * WORDS_PER_SLOT, QUEUED, WITHDRAWN) !== QUEUED) break
      victim.ring[slot] = undefined
      task.worker = undefined
      stolen.push(task)
    }
    if (stolen.length > 0) this.#queue.unshiftAll(stolen.reverse())
  }

  // --- stopping tasks -----------------------------------------------------------------------

  /** Future.cancel(): takes a task back if it has not started. */
  #withdraw(task: PoolTask): boolean {
    const worker = task.worker
    if (worker === undefined) {
      if (task.withdrawn) return true
      task.withdrawn = true
      this.#withdrawnInQueue++
      return true
    }
    const control = worker.control
    if (control === undefined || !worker.alive) return false
    return Atomics.compareExchange(control, (task.seq & RING_MASK) * WORDS_PER_SLOT, QUEUED, WITHDRAWN) === QUEUED
  }

  /** Per-task signal or timeout: a waiting task is removed; a running one is asked to stop, then terminated after the grace period. */
  #stop(task: PoolTask, error: unknown, reason: unknown): void {
    if (task.done()) return
    if (this.#withdraw(task)) {
      task.settleError(error)
      return
    }
    task.settleError(error)
    const worker = task.worker
    if (worker === undefined || !worker.alive) return
    const seq = task.seq
    const slot = seq & RING_MASK
    if (worker.control !== undefined) {
      Atomics.store(worker.control, slot * WORDS_PER_SLOT + 1, jobIdOf(seq))
      Atomics.notify(worker.control, slot * WORDS_PER_SLOT + 1)
    }
    worker.handle.post({ t: "pool-cancel", seq, reason: serializeThrown(reason) })
    unrefTimer(setTimeout(() => {
      // Only while this very task is still running: once it has returned (even if its result is
      // still on the way), the worker runs other tasks that nobody stopped.
      if (worker.alive && worker.ring[slot] === task && isRunning(worker, seq)) this.#terminate(worker, "grace")
    }, this.#graceMs))
  }

  #onSettled(task: PoolTask): void {
    if (task.cancelled()) this.#cancelled++
    const rare = task.rare
    if (rare !== undefined) {
      if (rare.timer !== undefined) clearTimeout(rare.timer)
      if (rare.onAbort !== undefined) rare.signal!.removeEventListener("abort", rare.onAbort)
    }
    if (--this.#unsettled === 0 && this.#drainWaiters.length > 0) {
      const waiters = this.#drainWaiters
      this.#drainWaiters = []
      for (const wake of waiters) wake()
    }
  }

  #cancelQueued(): void {
    for (const task of this.#queue.drain()) if (!task.withdrawn) task.cancel()
    this.#withdrawnInQueue = 0
    for (const worker of this.#workers) {
      for (const seq of worker.held()) worker.ring[seq & RING_MASK]?.cancel()
    }
  }

  // --- workers that end -----------------------------------------------------------------------

  #terminate(worker: PoolWorker, why: Termination): void {
    if (worker.terminating !== undefined || !worker.alive) return
    worker.terminating = why
    if (worker.idleTimer !== undefined) clearTimeout(worker.idleTimer)
    const timer = unrefTimer(setTimeout(() => {
      if (!worker.alive) return
      this.#stuck++
      this.#stuckNames.push(worker.name)
      worker.handle.unref()
      if (why !== "shutdown") console.error(`weft: worker ${worker.name} did not exit within ${this.#terminateTimeout} ms of terminate(); it was abandoned`)
      this.#onExit(worker, { code: null, error: new TimeoutError(`worker ${worker.name} did not exit after terminate()`) })
    }, this.#terminateTimeout))
    void worker.handle.exited.then(() => clearTimeout(timer))
    worker.handle.terminate().catch(() => {})
  }

  #onExit(worker: PoolWorker, exit: WorkerExit): void {
    if (!worker.alive) return
    worker.alive = false
    worker.markGone()
    if (worker.idleTimer !== undefined) clearTimeout(worker.idleTimer)
    this.#workers = this.#workers.filter((w) => w !== worker)
    const requeue: PoolTask[] = []
    const control = worker.control
    let ranTask = false
    for (const seq of worker.held()) {
      const slot = seq & RING_MASK
      const task = worker.ring[slot]
      worker.ring[slot] = undefined
      if (task === undefined || task.done()) continue
      // Only the task that was running dies with its worker. One that finished but whose result
      // was lost with the worker (killed, out of memory) runs again, like one that never started.
      if (isRunning(worker, seq)) {
        ranTask = true
        this.#failed++
        const detail = exit.error instanceof Error ? `: ${exit.error.message}` : ""
        task.settleError(
          worker.terminating === "shutdown"
            ? new RuntimeError(`${this.#label} was still running when ${this.name} stopped its workers`)
            : new ThreadExitError(`the worker running ${this.#label} (${worker.name}) exited${exit.code === null ? "" : ` with code ${exit.code}`} before the task finished${detail}`, exit.code, exit.error === undefined ? undefined : { cause: exit.error }),
        )
      } else {
        task.worker = undefined
        requeue.push(task)
      }
    }
    worker.head = worker.tail
    // Locks its tasks left held: a worker that failed, or was stopped mid-task, abandoned them.
    const retiredCleanly = worker.terminating === "idle" || worker.terminating === "retired" || worker.terminating === "shutdown"
    threadEnded(worker.ident, !retiredCleanly || ranTask)
    if (!worker.ready && worker.terminating === undefined && this.#broken === undefined) {
      this.#queue.unshiftAll(requeue)
      this.#breakPool(new ThreadExitError(`a worker of ${this.name} exited${exit.code === null ? "" : ` with code ${exit.code}`} before it was ready${exit.error instanceof Error ? `: ${exit.error.message}` : ""}`, exit.code, exit.error === undefined ? undefined : { cause: exit.error }))
      return
    }
    this.#queue.unshiftAll(requeue)
    this.#pump()
  }

  /** A worker could not start or its initializer failed: every pending task fails, new ones are refused. */
  #breakPool(error: unknown): void {
    if (this.#broken !== undefined) return
    this.#broken = error
    for (const task of this.#queue.drain()) if (!task.withdrawn) task.settleError(error)
    this.#withdrawnInQueue = 0
    for (const worker of [...this.#workers]) {
      for (const seq of worker.held()) worker.ring[seq & RING_MASK]?.settleError(error)
      this.#terminate(worker, "broken")
    }
    this.#notifyRoom()
  }

  async #stopAll(why: Termination): Promise<void> {
    const workers = [...this.#workers]
    const stuckBefore = this.#stuck
    for (const worker of workers) this.#terminate(worker, why)
    await Promise.all(workers.map((worker) => worker.gone))
    if (this.#stuck > stuckBefore) {
      throw new TimeoutError(`${this.#stuckNames.slice(stuckBefore).join(", ")} did not exit within ${this.#terminateTimeout} ms of terminate(); abandoned (they no longer keep the process alive)`)
    }
  }

  #drained(): Promise<void> {
    if (this.#unsettled === 0) return Promise.resolve()
    return new Promise((resolve) => this.#drainWaiters.push(resolve))
  }

  /** Undefined while the queue has room; else a promise that resolves once it has (for map under maxQueue). */
  #room(): Promise<void> | undefined {
    const max = this.#options.maxQueue
    if (max === undefined || this.#queue.size - this.#withdrawnInQueue < max) return undefined
    return new Promise((resolve) => this.#roomWaiters.push(resolve))
  }

  #notifyRoom(): void {
    if (this.#roomWaiters.length === 0) return
    const max = this.#options.maxQueue ?? Infinity
    if (this.#queue.size - this.#withdrawnInQueue >= max && this.#broken === undefined) return
    const waiters = this.#roomWaiters
    this.#roomWaiters = []
    for (const wake of waiters) wake()
  }
}

/** Whether the worker is running task `seq` now (with shared memory, its claim word says so; without, the worker answers each task before the next). */
function isRunning(worker: PoolWorker, seq: number): boolean {
  const control = worker.control
  if (control === undefined) return seq === worker.head
  return Atomics.load(control, (seq & RING_MASK) * WORDS_PER_SLOT) === STARTED
}

function allPrimitive(args: readonly unknown[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (typeof arg === "object" ? arg !== null : typeof arg === "function" || typeof arg === "symbol") return false
  }
  return true
}

/** A queued task owns a copy of its arguments (the transfer list is detached now), checked one by one for a clear error. */
function cloneArgs(args: readonly unknown[], transfer: readonly object[] | undefined, label: string): { args: unknown; transfer: object[] | undefined; shared: boolean } {
  if (transfer !== undefined && !Array.isArray(transfer)) throw new TypeError(`transfer of ${label} must be an array, got ${describe(transfer)}`)
  let encoded: { value: unknown; shared: boolean }
  try {
    encoded = encodeShared(args)
  } catch {
    validateArgs(args, label) // throws, naming the argument that cannot be walked
    throw new TypeError(`the arguments of ${label} cannot be sent between threads: pass structured-cloneable data`)
  }
  const { value, shared } = encoded
  try {
    if (transfer === undefined || transfer.length === 0) return { args: structuredClone(value), transfer: undefined, shared }
    const moved = structuredClone({ value, transfer }, { transfer: transfer as unknown[] })
    return { args: moved.value, transfer: moved.transfer as object[], shared }
  } catch (error) {
    validateArgs(args, label) // throws, naming the argument
    throw new TypeError(`the transfer list of ${label} cannot be transferred (${error instanceof Error ? error.message : String(error)})`, { cause: error })
  }
}

function callerStack(task: PoolTask, label: string): string | undefined {
  const stack = task.site?.stack
  if (stack === undefined) return undefined
  const frames = stack.split("\n").filter((line) => /^\s+at /.test(line) || /@/.test(line))
  return [`    --- ${label} submitted at ---`, ...frames.slice(2)].join("\n")
}

function positiveInt(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1, got ${String(value)}`)
  return value
}

function nonNegative(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== "number" || !(value >= 0)) throw new RangeError(`${name} must be a number of milliseconds >= 0, got ${String(value)}`)
  return value
}
