import { TimeoutError } from "../errors.js"
import { sharedLiveness } from "../liveness.js"
import { getRuntime, type Runtime, type WorkerExit } from "../runtime.js"
import { assertNotReentered } from "../task-import-guard.js"
import { allocateIdent, sharedIdentCounter } from "../thread-idents.js"
import { unrefTimer } from "../unref-timer.js"
import type { PoolFromWorker, PoolInitMessage } from "./pool-protocol.js"
import { WorkerRecord, type Termination } from "./worker-record.js"

export interface WorkerSetOptions {
  /** Threads are named `${name}_0`, `${name}_1`, ... */
  readonly name: string
  readonly maxTasksPerWorker: number | undefined
  readonly idleTimeout: number | undefined
  readonly terminateTimeout: number
  /** The per-runtime option bag (`node: { resourceLimits }`, ...), passed to every spawn. */
  readonly perRuntime: Readonly<Record<string, unknown>> | undefined
  readonly initializer: PoolInitMessage["initializer"]
}

/** What the set reports to the pool. */
export interface WorkerEvents {
  message(worker: WorkerRecord, message: PoolFromWorker): void
  /** The worker is gone (already out of the set): settle or requeue what it held. */
  exited(worker: WorkerRecord, exit: WorkerExit): void
}

// The pool's workers over their lives: spawn, wake for work, rest when idle (unref'd, maybe an
// idle timer or retirement), terminate, and the exit that ends each one. Graceful stop is the
// pool's (it drains first); this set only asks a worker to die and watches that it does.
export class WorkerSet {
  readonly #runtime: Runtime = getRuntime()
  readonly #options: WorkerSetOptions
  readonly #events: WorkerEvents
  #workers: WorkerRecord[] = []
  #counter = 0
  #stuck = 0
  readonly #stuckNames: string[] = []

  constructor(options: WorkerSetOptions, events: WorkerEvents) {
    this.#options = options
    this.#events = events
  }

  get size(): number {
    return this.#workers.length
  }

  /** Workers that did not exit after terminate() and were abandoned. */
  get stuck(): number {
    return this.#stuck
  }

  [Symbol.iterator](): Iterator<WorkerRecord> {
    return this.#workers[Symbol.iterator]()
  }

  spawn(): WorkerRecord {
    const runtime = this.#runtime
    const name = `${this.#options.name}_${this.#counter++}`
    assertNotReentered(`the pool worker ${name}`)
    const handle = runtime.spawn({ name, daemon: false, options: this.#options.perRuntime })
    const worker = new WorkerRecord(handle, name, runtime.capabilities.sharedMemory)
    this.#workers.push(worker)
    handle.listen((message) => this.#events.message(worker, message as PoolFromWorker))
    handle.exited.then((exit) => this.#onExit(worker, exit))
    const identCounter = runtime.threadId === undefined ? sharedIdentCounter(runtime.capabilities.sharedMemory) : undefined
    worker.ident = handle.threadId ?? allocateIdent()
    handle.post({
      t: "pool-init",
      thread: { name, ident: worker.ident, daemon: false },
      control: worker.slots?.words,
      identCounter,
      liveness: sharedLiveness(runtime.capabilities.sharedMemory),
      initializer: this.#options.initializer,
    } satisfies PoolInitMessage)
    return worker
  }

  /** A worker about to get work keeps the process alive again. */
  wake(worker: WorkerRecord): void {
    if (worker.idleTimer !== undefined) {
      clearTimeout(worker.idleTimer)
      worker.idleTimer = undefined
    }
    if (!worker.referenced) {
      worker.referenced = true
      worker.handle.ref()
    }
  }

  /** Workers holding unsettled tasks, and how many they hold, for stats(). */
  load(): { busy: number; inFlight: number } {
    let busy = 0
    let inFlight = 0
    for (const worker of this.#workers) {
      // Slots of stolen or stopped tasks wait for the worker's acknowledgement: not work.
      let held = 0
      for (const seq of worker.held()) {
        const task = worker.taskAt(seq)
        if (task !== undefined && !task.done()) held++
      }
      if (held > 0) busy++
      inFlight += held
    }
    return { busy, inFlight }
  }

  /** Whether a ready worker holds no task and could take one back (it has shared memory). */
  hasIdle(maxTasksPerWorker: number | undefined): boolean {
    for (const worker of this.#workers)
      if (
        worker.inFlight === 0 &&
        worker.ready &&
        worker.slots !== undefined &&
        worker.terminating === undefined &&
        (maxTasksPerWorker === undefined || worker.sent < maxTasksPerWorker)
      )
        return true
    return false
  }

  /** A worker with nothing to do: it must not keep the process alive; it may retire or time out. */
  rest(worker: WorkerRecord): void {
    // A worker being stopped may still send results (tasks it skipped): leave it ref'd, or a
    // caller awaiting shutdown() sees the process end before the worker's exit.
    if (worker.terminating !== undefined) return
    const limit = this.#options.maxTasksPerWorker
    if (limit !== undefined && worker.sent >= limit) return this.terminate(worker, "retired")
    if (worker.referenced) {
      worker.referenced = false
      worker.handle.unref()
    }
    const idle = this.#options.idleTimeout
    if (idle !== undefined && idle !== Infinity && worker.idleTimer === undefined) {
      worker.idleTimer = unrefTimer(
        setTimeout(() => {
          worker.idleTimer = undefined
          if (worker.inFlight === 0) this.terminate(worker, "idle")
        }, idle),
      )
    }
  }

  /** Asks a worker to die now; one that has not exited within terminateTimeout is abandoned. */
  terminate(worker: WorkerRecord, why: Termination): void {
    if (worker.terminating !== undefined || !worker.alive) return
    worker.terminating = why
    if (worker.idleTimer !== undefined) clearTimeout(worker.idleTimer)
    const limit = this.#options.terminateTimeout
    const timer = unrefTimer(
      setTimeout(() => {
        if (!worker.alive) return
        this.#stuck++
        this.#stuckNames.push(worker.name)
        worker.handle.unref()
        if (why !== "shutdown")
          console.error(`weft: worker ${worker.name} did not exit within ${limit} ms of terminate(); it was abandoned`)
        this.#onExit(worker, { code: null, error: new TimeoutError(`worker ${worker.name} did not exit after terminate()`) })
      }, limit),
    )
    void worker.handle.exited.then(() => clearTimeout(timer))
    worker.handle.terminate().catch(() => {})
  }

  /** Terminates every worker and waits until each is gone; rejects if one had to be abandoned. */
  async stopAll(why: Termination): Promise<void> {
    const workers = [...this.#workers]
    const stuckBefore = this.#stuck
    for (const worker of workers) this.terminate(worker, why)
    await Promise.all(workers.map((worker) => worker.gone))
    if (this.#stuck > stuckBefore) {
      throw new TimeoutError(
        `${this.#stuckNames.slice(stuckBefore).join(", ")} did not exit within ${this.#options.terminateTimeout} ms of terminate(); abandoned (they no longer keep the process alive)`,
      )
    }
  }

  #onExit(worker: WorkerRecord, exit: WorkerExit): void {
    if (!worker.alive) return
    worker.alive = false
    worker.markGone()
    if (worker.idleTimer !== undefined) clearTimeout(worker.idleTimer)
    this.#workers = this.#workers.filter((w) => w !== worker)
    this.#events.exited(worker, exit)
  }
}
