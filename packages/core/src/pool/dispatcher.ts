import { deserializeThrown, serializeThrown } from "../error-transport.js"
import { BrokenThreadPool, RuntimeError, ThreadExitError, TimeoutError } from "../errors.js"
import { threadEnded } from "../liveness.js"
import type { WorkerExit } from "../runtime.js"
import { unrefTimer } from "../unref-timer.js"
import { onValues } from "./pool-stream.js"
import { FAILED, RESULT_STRIDE, RESULTS_HEAD, RESULTS_TAG, SKIPPED } from "./pool-protocol.js"
import type { PoolFromWorker, PoolRecordFromWorker } from "./pool-protocol.js"
import { Samples, type PoolStats } from "./pool-stats.js"
import type { PoolTask, TaskOwner } from "./pool-task.js"
import { settleFromWorker } from "./settle-result.js"
import type { TargetTable } from "./target-table.js"
import { TaskQueue } from "./task-queue.js"
import type { WorkerRecord } from "./worker-record.js"
import { WorkerSet, type WorkerSetOptions } from "./worker-set.js"

export type Task = PoolTask<unknown, WorkerRecord>

export interface DispatcherOptions extends WorkerSetOptions {
  readonly maxWorkers: number
  readonly maxQueue: number | undefined
  readonly graceMs: number
  /** "a task of NAME", for messages. */
  readonly label: string
}

/** The pump runs as this promise's job: cheaper than queueMicrotask (Chromium ~0.3 vs ~1 µs; Node wraps each in an AsyncResource). */
const settledPromise = Promise.resolve()

const MIN_DEPTH = 2
const MAX_DEPTH = 256
/** Keep about this much work (ms) queued in each worker, so it never waits for the pool; twice the worker's result flush interval. */
const QUEUED_WORK_MS = 8

// The pool's engine: it sends queued tasks to workers in batches (how many a worker holds adapts
// to how long tasks run), lets an idle worker take back unstarted tasks from a busy one, settles
// tasks from their workers' results, stops tasks by signal or timeout, and decides the fate of
// what a dying worker held. ThreadPool is the public face over it.
export class Dispatcher implements TaskOwner<WorkerRecord> {
  readonly queue = new TaskQueue<Task>()
  readonly workers: WorkerSet
  readonly #options: DispatcherOptions
  readonly #targets: TargetTable
  #depth = 16
  #avgRun = -1
  #unsettled = 0
  #scheduled = false
  #broken: BrokenThreadPool | undefined = undefined
  #completed = 0
  #failed = 0
  #cancelled = 0
  readonly #runTimes = new Samples()
  readonly #waitTimes = new Samples()
  #drainWaiters: (() => void)[] = []
  #roomWaiters: (() => void)[] = []

  constructor(options: DispatcherOptions, targets: TargetTable) {
    this.#options = options
    this.#targets = targets
    this.workers = new WorkerSet(options, {
      message: (worker, message) => this.#onMessage(worker, message),
      exited: (worker, exit) => this.#onExit(worker, exit),
    })
  }

  /** Tasks a worker holds at once now (adapted to task length). */
  get depth(): number {
    return this.#depth
  }

  /** Why the pool is broken (a worker that could not start, an initializer that threw), once it is. */
  get broken(): BrokenThreadPool | undefined {
    return this.#broken
  }

  /** Counts a new task as pending until it settles (even one that fails before it is queued). */
  adopt(): void {
    this.#unsettled++
  }

  /** Queues a task: at once to an idle worker that can give it back, else after the current batch of submits. */
  enqueue(task: Task): void {
    this.queue.push(task)
    if (this.#scheduled) return
    if (this.#broken === undefined && this.workers.hasIdle(this.#options.maxTasksPerWorker)) this.#pump()
    if (this.queue.size === 0) return
    this.#scheduled = true
    void settledPromise.then(this.#pumpSoon)
  }

  stats(): PoolStats {
    const { busy, inFlight } = this.workers.load()
    return {
      workers: this.workers.size,
      busy,
      queued: this.queue.size,
      inFlight,
      completed: this.#completed,
      failed: this.#failed,
      cancelled: this.#cancelled,
      stuckWorkers: this.workers.stuck,
      runTime: this.#runTimes.percentiles(),
      waitTime: this.#waitTimes.percentiles(),
    }
  }

  // --- dispatching ------------------------------------------------------------------------

  readonly #pumpSoon = (): void => {
    this.#scheduled = false
    this.#pump()
  }

  /** Sends queued tasks to workers, starting workers as needed, in one batch per worker. */
  #pump(): void {
    const waiting = this.queue.size
    if (waiting === 0 || this.#broken !== undefined) return
    let idle = 0
    for (const worker of this.workers) if (worker.inFlight === 0 && worker.terminating === undefined) idle++
    let spawn = Math.min(waiting - idle, this.#options.maxWorkers - this.workers.size)
    while (spawn-- > 0) this.workers.spawn()
    const limit = this.#options.maxTasksPerWorker
    const depth = this.#depth
    for (;;) {
      let candidates: WorkerRecord[] | undefined
      for (const worker of this.workers) {
        if (worker.terminating !== undefined || worker.inFlight >= depth) continue
        if (limit !== undefined && worker.sent >= limit) continue
        ;(candidates ??= []).push(worker)
      }
      if (candidates === undefined) break
      if (candidates.length > 1) candidates.sort((a, b) => a.inFlight - b.inFlight)
      const share = Math.ceil(this.queue.size / candidates.length)
      let gave = 0
      for (const worker of candidates) {
        let n = Math.min(share, depth - worker.inFlight, limit === undefined ? Infinity : limit - worker.sent)
        while (n > 0) {
          const task = this.queue.shift()
          if (task === undefined) break
          if (worker.inFlight === 0) this.workers.wake(worker)
          worker.assign(task)
          n--
          gave++
        }
      }
      if (gave === 0 || this.queue.size === 0) break
    }
    for (const worker of this.workers) worker.flush(this.#targets.refs)
    this.#notifyRoom()
  }

  /** Sizes how many tasks a worker holds from how long tasks run (exponential average). */
  #adapt(run: number): void {
    this.#avgRun = this.#avgRun < 0 ? run : this.#avgRun * 0.8 + run * 0.2
    const depth = Math.ceil(QUEUED_WORK_MS / Math.max(this.#avgRun, 0.001))
    this.#depth = Math.min(MAX_DEPTH, Math.max(MIN_DEPTH, depth))
  }

  /** An idle worker takes back half of the not-yet-started tasks of the busiest one. */
  #steal(idle: WorkerRecord): void {
    let victim: WorkerRecord | undefined
    for (const worker of this.workers)
      if (
        worker !== idle &&
        worker.slots !== undefined &&
        worker.inFlight > 1 &&
        (victim === undefined || worker.inFlight > victim.inFlight)
      )
        victim = worker
    if (victim === undefined) return
    const slots = victim.slots!
    const stolen: Task[] = []
    const want = victim.inFlight >> 1
    for (let seq = victim.tail - 1; seq > victim.head && stolen.length < want; seq--) {
      const task = victim.taskAt(seq)
      if (task === undefined || task.done()) continue
      if (!slots.withdraw(seq)) break
      victim.take(seq)
      task.worker = undefined
      stolen.push(task)
    }
    if (stolen.length > 0) this.queue.unshiftAll(stolen.reverse())
  }

  // --- results ----------------------------------------------------------------------------

  /** A worker's message. Anything that is not one of the pool's (user code can post on the port too) is ignored. */
  #onMessage(worker: WorkerRecord, message: PoolFromWorker): void {
    if (typeof message !== "object" || message === null || !worker.alive) return
    if (Array.isArray(message)) {
      if (message[0] === RESULTS_TAG && message[1] === worker.head) this.#onResults(worker, message)
      return
    }
    const record = message as PoolRecordFromWorker
    switch (record.t) {
      case "pool-started": {
        if (typeof record.seq !== "number") return
        const task = worker.taskAt(record.seq)
        const timeout = task?.rare?.timeout
        if (task !== undefined && task.seq === record.seq && !task.done() && timeout !== undefined) {
          task.rare!.timer = unrefTimer(
            setTimeout(() => {
              const error = new TimeoutError(`${this.#options.label} did not finish within ${timeout} ms`)
              this.stop(task, error, error)
            }, timeout),
          )
        }
        return
      }
      case "pool-yield":
      case "pool-progress":
        return onValues(worker, record)
      case "pool-ready":
        if (worker.ready) return // a worker is ready once; user code may post imitations later
        if (record.error !== undefined) {
          this.breakPool(deserializeThrown(record.error), "its initializer failed")
          return
        }
        worker.ready = true
    }
  }

  #onResults(worker: WorkerRecord, results: readonly unknown[]): void {
    // A batch answers the oldest tasks the worker holds; one that answers more, or is cut short, is not the pool's.
    const answered = results.length - RESULTS_HEAD
    if (answered <= 0 || answered % RESULT_STRIDE !== 0 || answered / RESULT_STRIDE > worker.inFlight) return
    const now = performance.now()
    const slots = worker.slots
    let runSum = 0
    let ran = 0
    for (let i = RESULTS_HEAD; i < results.length; i += RESULT_STRIDE) {
      const seq = worker.head++
      const task = worker.take(seq)
      slots?.answered(seq)
      const status = typeof results[i] === "number" ? (results[i] as number) : FAILED
      if (status & SKIPPED || task === undefined) continue
      const runTime = typeof results[i + 2] === "number" ? (results[i + 2] as number) : 0
      runSum += runTime
      ran++
      this.#runTimes.add(runTime)
      this.#waitTimes.add(Math.max(0, now - task.submitted - runTime))
      if (task.done()) continue // stopped by its signal or timeout; its grace timer sees it returned
      if (settleFromWorker(task, status, results[i + 1], this.#options.label)) this.#completed++
      else this.#failed++
    }
    if (ran > 0) this.#adapt(runSum / ran)
    if (worker.inFlight === 0) {
      if (this.queue.size === 0 && slots !== undefined) this.#steal(worker)
      if (worker.inFlight === 0) this.workers.rest(worker)
    }
    this.#pump()
  }

  // --- stopping tasks -----------------------------------------------------------------------

  /** Future.cancel(): takes a task back if it has not started. */
  withdraw(task: Task): boolean {
    const worker = task.worker
    if (worker === undefined) {
      this.queue.withdraw(task)
      return true
    }
    if (worker.slots === undefined || !worker.alive) return false
    return worker.slots.withdraw(task.seq)
  }

  /** Per-task signal or timeout: a waiting task is removed; a running one is asked to stop, then terminated after the grace period. */
  stop(task: Task, error: unknown, reason: unknown): void {
    if (task.done()) return
    const withdrawn = this.withdraw(task)
    task.settleError(error)
    if (!withdrawn) this.halt(task, reason)
  }

  /** Asks a running task to stop (its signal aborts, a stream's generator closes); terminates its worker if it still runs it after the grace period. */
  halt(task: Task, reason: unknown): void {
    const worker = task.worker
    if (worker === undefined || !worker.alive) return
    const seq = task.seq
    // The message before the flag: a task that sees the flag can then read the reason synchronously (Node).
    worker.handle.post({ t: "pool-cancel", seq, reason: serializeThrown(reason) })
    worker.slots?.cancel(seq)
    unrefTimer(
      setTimeout(() => {
        // Only while this very task is still running: once it has returned (even if its result is
        // still on the way), the worker runs other tasks that nobody stopped.
        if (worker.alive && worker.taskAt(seq) === task && worker.claimKill(seq)) this.workers.terminate(worker, "grace")
      }, this.#options.graceMs),
    )
  }

  settled(task: Task): void {
    if (task.cancelled()) this.#cancelled++
    const rare = task.rare
    if (rare !== undefined) {
      if (rare.timer !== undefined) clearTimeout(rare.timer)
      if (rare.onAbort !== undefined) rare.signal!.removeEventListener("abort", rare.onAbort)
    }
    if (--this.#unsettled === 0) for (const wake of this.#drainWaiters.splice(0)) wake()
  }

  /** shutdown({ cancelFutures }): every task that has not started is cancelled. */
  cancelQueued(): void {
    for (const task of this.queue.drain()) task.cancel()
    for (const worker of this.workers) {
      for (const seq of worker.held()) worker.taskAt(seq)?.cancel()
    }
  }

  // --- workers that end -----------------------------------------------------------------------

  #onExit(worker: WorkerRecord, exit: WorkerExit): void {
    const requeue: Task[] = []
    let ranTask = false
    const label = this.#options.label
    for (const seq of worker.held()) {
      const task = worker.take(seq)
      if (task === undefined || task.done()) continue
      // Only the task that was running dies with its worker. One that finished but whose result
      // was lost with the worker (killed, out of memory) runs again, like one that never started.
      // A worker runs no task before it is ready: then every task it held goes to BrokenThreadPool below.
      if (worker.ready && worker.isRunning(seq)) {
        ranTask = true
        this.#failed++
        const detail = exit.error instanceof Error ? `: ${exit.error.message}` : ""
        task.settleError(
          worker.terminating === "shutdown"
            ? new RuntimeError(`${label} was still running when ${this.#options.name} stopped its workers`)
            : new ThreadExitError(
                `the worker running ${label} (${worker.name}) exited${exit.code === null ? "" : ` with code ${exit.code}`} before the task finished${detail}`,
                exit.code,
                exit.error === undefined ? undefined : { cause: exit.error },
              ),
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
    this.queue.unshiftAll(requeue)
    if (!worker.ready && worker.terminating === undefined && this.#broken === undefined) {
      this.breakPool(
        new ThreadExitError(
          `a worker of ${this.#options.name} exited${exit.code === null ? "" : ` with code ${exit.code}`} before it was ready${exit.error instanceof Error ? `: ${exit.error.message}` : ""}`,
          exit.code,
          exit.error === undefined ? undefined : { cause: exit.error },
        ),
        "a worker exited before it was ready",
      )
      return
    }
    this.#pump()
  }

  /** A worker could not start or its initializer failed: every pending task fails, new ones are refused, with BrokenThreadPool. */
  breakPool(cause: unknown, why: string): void {
    if (this.#broken !== undefined) return
    const error = new BrokenThreadPool(`${this.#options.name} is broken (${why}): create a new pool`, { cause })
    this.#broken = error
    for (const task of this.queue.drain()) task.settleError(error)
    for (const worker of [...this.workers]) {
      for (const seq of worker.held()) worker.taskAt(seq)?.settleError(error)
      this.workers.terminate(worker, "broken")
    }
    this.#notifyRoom()
  }

  /** Resolves once every task adopted so far has settled. */
  drained(): Promise<void> {
    if (this.#unsettled === 0) return Promise.resolve()
    return new Promise((resolve) => this.#drainWaiters.push(resolve))
  }

  /** Undefined while the queue has room; else a promise that resolves once it has (for map under maxQueue). */
  room(): Promise<void> | undefined {
    const max = this.#options.maxQueue
    if (max === undefined || this.queue.size < max) return undefined
    return new Promise((resolve) => this.#roomWaiters.push(resolve))
  }

  #notifyRoom(): void {
    if (this.#roomWaiters.length === 0) return
    const max = this.#options.maxQueue ?? Infinity
    if (this.queue.size >= max && this.#broken === undefined) return
    const waiters = this.#roomWaiters
    this.#roomWaiters = []
    for (const wake of waiters) wake()
  }
}
