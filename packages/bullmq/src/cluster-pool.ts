import { randomBytes } from "node:crypto"
import { Queue, QueueEvents, QueueEventsProducer, type JobsOptions } from "bullmq"
import type { Redis } from "ioredis"
import {
  callerStackOf,
  captureSite,
  checkRunOptions,
  checkTaskArgs,
  checkTimeout,
  deserializeThrown,
  mapTasks,
  registrationOf,
  serializeThrown,
} from "@weft/core/adapter"
import {
  CancelledError,
  RuntimeError,
  ThreadExitError,
  ThreadTargetError,
  TimeoutError,
  type Executor,
  type ExecutorRunOptions,
  type ExecutorShutdownOptions,
  type Future,
  type MapOptions,
} from "@weft/node"
import { bounded, closeQuietly, lastStreamId, ownClient, type ConnectionOption } from "./connection.js"
import { ClusterTask } from "./cluster-task.js"
import { CANCEL_EVENT, cancelQueueName, parseFailure, type CancelEvent, type TaskJobData } from "./job-data.js"
import { decodeValue, encodeValue, mayBeUnsendable, unsendable } from "./wire.js"

type AnyFunction = (...args: never[]) => unknown
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never
type ResultOf<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never

export interface ClusterPoolOptions {
  /** An ioredis client (duplicated, never closed by the pool) or its options, e.g. `{ host, port }`. */
  readonly connection: ConnectionOption
  /** The BullMQ queue that `serve()` processes on the servers. */
  readonly queue: string
  /** BullMQ's key prefix (default "bull"); the servers must use the same. */
  readonly prefix?: string
  /** Entries BullMQ's event stream keeps (default 100,000; BullMQ's own default of 10,000 drops results of bigger floods). */
  readonly eventsMaxLen?: number
  /** Milliseconds without a word about a job before the pool asks Redis for it directly (default 5,000). */
  readonly reconcileInterval?: number
  /** Milliseconds pending futures wait for a lost Redis connection to come back before they reject (default 60,000). */
  readonly reconnectTimeout?: number
  /** Seconds finished jobs stay in Redis, so a missed event can still be read (default 3,600). */
  readonly keepFinishedFor?: number
  /**
   * Append the submit() site to a failed task's stack. Capturing a stack costs microseconds and
   * memory until the task settles, so "auto" (the default, as ThreadPool's) captures it while
   * fewer than 64 tasks are pending and skips it during floods.
   */
  readonly captureStacks?: boolean | "auto"
  readonly name?: string
}

export interface ClusterStats {
  /** Jobs of the queue waiting for a server (waiting, delayed, prioritized). */
  readonly queued: number
  /** Jobs some server holds. */
  readonly running: number
  readonly completed: number
  readonly failed: number
  /** Futures of this pool not yet settled. */
  readonly pending: number
}

const ADD_BATCH = 1000
let poolCounter = 0

/**
 * An `Executor` whose tasks run on weft thread pools on other machines, through a BullMQ queue
 * on Redis: each server runs `serve({ queue, modules })`. Same `submit`/`run`/`map`/`shutdown` as
 * `ThreadPool`, returning weft Futures (`asCompleted` and `wait` accept them). Targets must be
 * registered with `threadable()`; arguments and results must be plain data.
 */
export class ClusterPool implements Executor {
  readonly name: string
  readonly queueName: string
  readonly #queue: Queue
  readonly #events: QueueEvents
  readonly #producer: QueueEventsProducer
  readonly #clients: Redis[]
  readonly #eventsClient: Redis
  readonly #ready: Promise<void>
  readonly #reconcileInterval: number
  readonly #reconnectTimeout: number
  readonly #keepFor: number
  readonly #captureStacks: boolean | "auto"
  readonly #label: string
  readonly #idPrefix = randomBytes(6).toString("hex")
  #counter = 0
  readonly #tasks = new Map<string, ClusterTask>()
  #toAdd: ClusterTask[] = []
  #flushing = false
  #closed = false
  #drainWaiters: (() => void)[] = []
  #reconcileTimer: ReturnType<typeof setInterval> | undefined
  #reconciling = false
  #disconnectTimer: ReturnType<typeof setTimeout> | undefined
  #shutdownPromise: Promise<void> | undefined
  #broken: unknown = undefined

  constructor(options: ClusterPoolOptions) {
    if (typeof options !== "object" || options === null) throw new TypeError("new ClusterPool(options) takes { connection, queue }")
    if (typeof options.queue !== "string" || options.queue === "")
      throw new TypeError('ClusterPool needs the name of the queue its servers serve: { queue: "name" }')
    if (options.connection === undefined)
      throw new TypeError(
        "ClusterPool needs a Redis connection: { connection: new Redis({ host, port }) } or { connection: { host, port } }",
      )
    this.queueName = options.queue
    this.name = options.name ?? `ClusterPool-${poolCounter++}`
    this.#label = `a task of ${this.name}`
    this.#reconcileInterval = positiveInt(options.reconcileInterval, "reconcileInterval") ?? 5000
    this.#reconnectTimeout = positiveInt(options.reconnectTimeout, "reconnectTimeout") ?? 60_000
    this.#keepFor = positiveInt(options.keepFinishedFor, "keepFinishedFor") ?? 3600
    this.#captureStacks = options.captureStacks ?? "auto"
    const eventsMaxLen = positiveInt(options.eventsMaxLen, "eventsMaxLen") ?? 100_000
    const prefix = options.prefix
    const queueClient = ownClient(options.connection, `${this.name}:queue`)
    this.#eventsClient = ownClient(options.connection, `${this.name}:events`)
    const producerClient = ownClient(options.connection, `${this.name}:producer`)
    this.#clients = [queueClient, this.#eventsClient, producerClient]
    this.#queue = new Queue(this.queueName, { connection: queueClient, prefix, streams: { events: { maxLen: eventsMaxLen } } })
    this.#producer = new QueueEventsProducer(cancelQueueName(this.queueName), { connection: producerClient, prefix })
    // Read events from the stream's current end, found before the first job is added: a reader
    // that starts at "$" misses what is written before its first read.
    const eventsKey = this.#queue.keys.events!
    const startId = lastStreamId(queueClient, eventsKey)
    this.#events = new QueueEvents(this.queueName, { connection: this.#eventsClient, prefix, autorun: false })
    this.#ready = startId.then(async (id) => {
      ;(this.#events as unknown as { opts: { lastEventId: string } }).opts.lastEventId = id
      void this.#events.run().catch((error: unknown) => this.#fail(error))
      await Promise.all([this.#queue.waitUntilReady(), this.#events.waitUntilReady()])
    })
    this.#ready.catch(() => {})
    this.#listen()
  }

  /** Schedules `target(...args)` on some server; returns its Future at once. */
  submit<F extends AnyFunction>(target: F, ...args: ArgsOf<F>): Future<ResultOf<F>> {
    return this.#enqueue(target, args, undefined, false) as Future<ResultOf<F>>
  }

  /** Like `submit`, with per-task `signal` and `timeout` (from the task's start on its server). */
  run<F extends AnyFunction>(target: F, options: ExecutorRunOptions<ArgsOf<F>> = {}): Future<ResultOf<F>> {
    checkRunOptions(options)
    return this.#enqueue(target, options.args ?? [], options, false) as Future<ResultOf<F>>
  }

  /**
   * Applies `fn` to every item on the servers, yielding results in input order; lazy and bounded
   * like ThreadPool.map (default window 64 jobs; use `chunksize` to send items in batches).
   */
  map<F extends (item: never) => unknown>(
    fn: F,
    iterable: Iterable<ArgsOf<F>[0]> | AsyncIterable<ArgsOf<F>[0]>,
    options: MapOptions = {},
  ): AsyncIterableIterator<ResultOf<F>> {
    this.#checkOpen()
    return mapTasks(fn, iterable, options, {
      submit: (items, chunk) => this.#enqueue(fn, items, undefined, chunk),
      room: () => undefined,
      window: () => 64,
    }) as AsyncIterableIterator<ResultOf<F>>
  }

  /**
   * Stops accepting tasks. With `cancelFutures`, jobs no server has started are removed. With
   * `wait` (default) resolves once every future has settled and the pool's connections are closed.
   */
  shutdown(options: ExecutorShutdownOptions = {}): Promise<void> {
    const { wait = true, cancelFutures = false } = options
    this.#closed = true
    if (cancelFutures) for (const task of [...this.#tasks.values()]) task.cancel()
    this.#shutdownPromise ??= this.#drained().then(() => this.#close())
    if (!wait) {
      this.#shutdownPromise.catch(() => {})
      return Promise.resolve()
    }
    return this.#shutdownPromise
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true })
  }

  /** The queue's job counts from BullMQ (all callers of the queue), and this pool's pending futures. */
  async stats(): Promise<ClusterStats> {
    const counts = await this.#queue.getJobCounts("waiting", "delayed", "prioritized", "active", "completed", "failed")
    return {
      queued: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0),
      running: counts.active ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
      pending: this.#tasks.size,
    }
  }

  // --- submitting -------------------------------------------------------------------------

  #checkOpen(): void {
    if (this.#broken !== undefined)
      throw new RuntimeError(`${this.name} lost its connection to Redis: create a new ClusterPool`, { cause: this.#broken })
    if (this.#closed) throw new RuntimeError(`cannot schedule new tasks on ${this.name} after shutdown()`)
  }

  #enqueue(target: unknown, args: readonly unknown[], options: ExecutorRunOptions | undefined, chunk: boolean): ClusterTask {
    this.#checkOpen()
    if (typeof target !== "function")
      throw new ThreadTargetError(
        `the target of ${this.#label} must be a registered function, got ${target === null ? "null" : typeof target}`,
      )
    const registered = registrationOf(target)
    if (registered === undefined) {
      const name = target.name || "fn"
      throw new ThreadTargetError(
        `${target.name ? `function ${target.name}` : "an anonymous function"} was never registered, so no server can find it: add threadable(import.meta.url, ${name}) in its module and list that module in the servers' serve({ modules })`,
      )
    }
    checkTaskArgs(args, this.#label)
    const label = chunk ? "map item" : "args"
    for (let i = 0; i < args.length; i++) {
      const arg: unknown = args[i]
      if (!mayBeUnsendable(arg)) continue
      const reason = unsendable(arg, `${label}[${i}]`)
      if (reason !== undefined) throw new TypeError(`${reason} (${this.#label})`)
    }
    const timeout = options?.timeout
    checkTimeout(timeout)
    const data: TaskJobData = {
      key: registered.key,
      url: registered.url,
      args: encodeValue(args),
      ...(timeout === undefined ? {} : { timeout }),
      ...(chunk ? { chunk: true as const } : {}),
      ...(options?.signal === undefined ? {} : { stoppable: true as const }),
    }
    const task = new ClusterTask(this.#owner, `${this.#idPrefix}-${++this.#counter}`, registered.key, data)
    if (captureSite(this.#captureStacks, this.#tasks.size)) task.site = new Error()
    this.#tasks.set(task.id, task)
    const signal = options?.signal
    if (signal !== undefined) {
      if (signal.aborted) {
        task.settleError(abortError(signal.reason))
        return task
      }
      task.signal = signal
      task.onAbort = () => this.#stop(task, abortError(signal.reason), signal.reason)
      signal.addEventListener("abort", task.onAbort, { once: true })
    }
    this.#toAdd.push(task)
    if (!this.#flushing) {
      this.#flushing = true
      queueMicrotask(() => void this.#flush())
    }
    return task
  }

  readonly #owner = {
    withdraw: (task: ClusterTask) => this.#withdraw(task),
    settled: (task: ClusterTask) => this.#onSettled(task),
  }

  /** Adds the jobs submitted since the last flush, in batches (one round trip per batch). */
  async #flush(): Promise<void> {
    try {
      await this.#ready
      while (this.#toAdd.length > 0) {
        const batch = this.#toAdd.splice(0, ADD_BATCH).filter((task) => !task.done())
        if (batch.length === 0) continue
        const opts: JobsOptions = { removeOnComplete: { age: this.#keepFor }, removeOnFail: { age: this.#keepFor } }
        // One job alone is added as itself: addBulk builds a pipeline (a copy of every script
        // BullMQ defines), which costs a single round trip more than the job.
        if (batch.length === 1) await this.#queue.add(batch[0]!.name, batch[0]!.data, { ...opts, jobId: batch[0]!.id })
        else await this.#queue.addBulk(batch.map((task) => ({ name: task.name, data: task.data, opts: { ...opts, jobId: task.id } })))
        const now = Date.now()
        for (const task of batch) {
          task.added = true
          task.data = undefined
          task.checked = now
          // Cancelled or aborted while its add was on the way: take the job back out. A job that
          // a server finished before this reply stays, as every finished job (keepFinishedFor).
          if (task.endedHere) void this.#removeOrCancel(task, undefined)
        }
        this.#scheduleReconcile()
      }
    } catch (error) {
      for (const task of this.#toAdd.splice(0)) task.settleError(error)
      for (const task of this.#tasks.values())
        if (!task.added) task.settleError(new RuntimeError(`${this.name} could not add a job to Redis`, { cause: error }))
    } finally {
      this.#flushing = false
      if (this.#toAdd.length > 0) {
        this.#flushing = true
        queueMicrotask(() => void this.#flush())
      }
    }
  }

  // --- results ----------------------------------------------------------------------------

  #listen(): void {
    const events = this.#events
    events.on("active", ({ jobId }) => {
      const task = this.#tasks.get(jobId)
      if (task === undefined) return
      task.started = true
      task.checked = Date.now() // a word about the job: no need to ask Redis for a while
    })
    events.on("completed", ({ jobId, returnvalue }) => {
      const task = this.#tasks.get(jobId)
      if (task !== undefined) this.#complete(task, returnvalue as unknown)
    })
    events.on("failed", ({ jobId, failedReason }) => {
      const task = this.#tasks.get(jobId)
      if (task !== undefined) this.#failTask(task, failedReason)
    })
    events.on("error", () => {}) // connection errors: handled through the client's close/ready below
    this.#queue.on("error", () => {})
    this.#producer.on("error", () => {})
    for (const client of this.#clients) client.on("error", () => {})
    this.#eventsClient.on("close", () => this.#onDisconnect())
    this.#eventsClient.on("ready", () => this.#onReconnect())
  }

  #complete(task: ClusterTask, returnvalue: unknown): void {
    if (typeof returnvalue !== "string") {
      task.settleError(
        new RuntimeError(
          `job ${task.id} of queue "${this.queueName}" completed without a weft result: is a server other than weft's serve() processing this queue?`,
        ),
      )
      return
    }
    let value: unknown
    try {
      value = decodeValue(returnvalue)
    } catch (error) {
      task.settleError(new RuntimeError(`the result of job ${task.id} could not be decoded`, { cause: error }))
      return
    }
    task.settleValue(value)
  }

  #failTask(task: ClusterTask, failedReason: string): void {
    const wire = parseFailure(failedReason)
    if (wire !== undefined) {
      task.settleError(deserializeThrown(wire, callerStackOf(task.site, `${this.#label} submitted at`)))
      return
    }
    // Not a task's own error: BullMQ failed the job, e.g. its server died on every attempt.
    const error = new ThreadExitError(
      `the server running ${this.#label} (job ${task.id}) stopped before the task finished, on every attempt the servers' maxStalledCount allows (BullMQ: ${failedReason})`,
      null,
    )
    const site = callerStackOf(task.site, `${this.#label} submitted at`)
    if (site !== undefined) error.stack = `${error.stack}\n${site}`
    task.settleError(error)
  }

  // --- stopping tasks -----------------------------------------------------------------------

  /** Future.cancel(): true unless the job was seen starting; a job that had just started is then stopped. */
  #withdraw(task: ClusterTask): boolean {
    if (task.started) return false
    task.endedHere = true
    if (task.added) void this.#removeOrCancel(task, new CancelledError("the task was cancelled"))
    return true
  }

  /** Per-task signal: the future rejects now; the job is removed if queued, else its server stops it. */
  #stop(task: ClusterTask, error: unknown, reason: unknown): void {
    if (task.done()) return
    task.endedHere = true
    task.settleError(error)
    if (task.added) void this.#removeOrCancel(task, reason)
  }

  async #removeOrCancel(task: ClusterTask, reason: unknown): Promise<void> {
    try {
      const removed = await this.#queue.remove(task.id)
      if (removed === 1) return
      const event: CancelEvent = {
        eventName: CANCEL_EVENT,
        jobId: task.id,
        reason: encodeValue(serializeThrown(reason ?? new CancelledError("the task was cancelled"))),
      }
      await this.#producer.publishEvent(event)
    } catch {
      // Redis is gone: the job's server finishes it, and its result is ignored (the future is settled).
    }
  }

  #onSettled(task: ClusterTask): void {
    this.#tasks.delete(task.id)
    if (task.onAbort !== undefined) task.signal!.removeEventListener("abort", task.onAbort)
    if (this.#tasks.size === 0 && this.#drainWaiters.length > 0) {
      const waiters = this.#drainWaiters
      this.#drainWaiters = []
      for (const wake of waiters) wake()
    }
  }

  // --- missed events, lost connections ------------------------------------------------------

  #scheduleReconcile(): void {
    if (this.#reconcileTimer !== undefined || this.#closedForGood()) return
    this.#reconcileTimer = setInterval(() => void this.#reconcile(), this.#reconcileInterval)
    this.#reconcileTimer.unref()
  }

  #closedForGood(): boolean {
    return this.#shutdownPromise !== undefined && this.#tasks.size === 0
  }

  /**
   * Asks Redis directly about jobs not heard of for a while: an event can be trimmed from the
   * stream before it is read, or written while the pool was disconnected.
   */
  async #reconcile(): Promise<void> {
    if (this.#reconciling || this.#disconnectTimer !== undefined) return
    if (this.#tasks.size === 0) {
      clearInterval(this.#reconcileTimer)
      this.#reconcileTimer = undefined
      return
    }
    this.#reconciling = true
    try {
      const now = Date.now()
      const due: ClusterTask[] = []
      for (const task of this.#tasks.values()) {
        if (task.added && now - task.checked >= this.#reconcileInterval) due.push(task)
        if (due.length >= 5000) break
      }
      if (due.length === 0) return
      const client = this.#clients[0]!
      const pipeline = client.pipeline()
      // "timestamp" is set on every job: all four missing means the job is gone (one round trip for all).
      for (const task of due) pipeline.hmget(this.#queue.toKey(task.id), "finishedOn", "returnvalue", "failedReason", "timestamp")
      const replies = (await pipeline.exec()) ?? []
      for (let i = 0; i < due.length; i++) {
        const task = due[i]!
        task.checked = Date.now()
        const [error, fields] = replies[i] ?? [null, null]
        if (error !== null || task.done()) continue
        const [finishedOn, returnvalue, failedReason, timestamp] = fields as (string | null)[]
        if (finishedOn === null && returnvalue === null && failedReason === null && timestamp === null) {
          task.settleError(
            new RuntimeError(
              `job ${task.id} of queue "${this.queueName}" is no longer in Redis (was Redis restarted without persistence, or the job removed by hand?)`,
            ),
          )
          continue
        }
        if (finishedOn === null) continue
        if (failedReason !== null && failedReason !== "" && (returnvalue === null || returnvalue === "null"))
          this.#failTask(task, failedReason)
        else if (returnvalue !== null) this.#complete(task, JSON.parse(returnvalue) as unknown)
      }
    } catch {
      // Redis unreachable: the next round (or the reconnection) tries again.
    } finally {
      this.#reconciling = false
    }
  }

  #onDisconnect(): void {
    if (this.#disconnectTimer !== undefined || this.#closedForGood() || this.#tasks.size === 0) return
    this.#disconnectTimer = setTimeout(() => {
      this.#disconnectTimer = undefined
      this.#fail(new TimeoutError(`${this.name} lost its connection to Redis for ${this.#reconnectTimeout} ms (reconnectTimeout)`))
    }, this.#reconnectTimeout)
    this.#disconnectTimer.unref()
  }

  #onReconnect(): void {
    if (this.#disconnectTimer === undefined) return
    clearTimeout(this.#disconnectTimer)
    this.#disconnectTimer = undefined
    // Back: ask about every pending job at once rather than waiting for the next round.
    for (const task of this.#tasks.values()) task.checked = 0
    void this.#reconcile()
  }

  /** Redis is gone for good: every pending future rejects, new tasks are refused. */
  #fail(error: unknown): void {
    if (this.#shutdownPromise !== undefined && this.#tasks.size === 0) return
    this.#broken ??= error
    for (const task of [...this.#tasks.values()])
      task.settleError(new RuntimeError(`${this.#label} was lost with the connection to Redis`, { cause: error }))
  }

  #drained(): Promise<void> {
    if (this.#tasks.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.#drainWaiters.push(resolve))
  }

  async #close(): Promise<void> {
    if (this.#reconcileTimer !== undefined) clearInterval(this.#reconcileTimer)
    if (this.#disconnectTimer !== undefined) clearTimeout(this.#disconnectTimer)
    this.#reconcileTimer = undefined
    await bounded(Promise.allSettled([this.#ready, this.#events.close(), this.#queue.close(), this.#producer.close()]), 2000)
    await Promise.all(this.#clients.map(closeQuietly))
  }
}

function abortError(reason: unknown): DOMException {
  // As the local pool's: the reason's message, the reason itself as cause.
  const message = reason instanceof Error ? reason.message : reason === undefined ? "This operation was aborted" : String(reason)
  const error = new DOMException(message, "AbortError")
  Object.defineProperty(error, "cause", { value: reason, writable: true, configurable: true, enumerable: false })
  return error
}

function positiveInt(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1, got ${String(value)}`)
  return value
}
