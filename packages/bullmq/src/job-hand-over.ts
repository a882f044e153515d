import { registrationOf } from "@weft/core/adapter"
import { ThreadExitError, type ThreadPool } from "@weft/node"
import { FAILED, OUTCOME_STRIDE, runJobs } from "./job-runner.js"
import { RunTimes } from "./run-times.js"

/** A job's own failure (its task threw, or its result cannot be sent): the text BullMQ stores. */
export class JobFailure extends Error {
  readonly failureText: string
  constructor(failureText: string) {
    super("the task failed")
    this.failureText = failureText
  }
}

interface Waiting {
  readonly key: string
  readonly url: string
  readonly args: string
  /** The signal for a task of its own (a job alone can be stopped by itself). */
  readonly ownSignal: () => AbortSignal
  /** Expected run time (ms), from earlier jobs of its key; Infinity when unknown. */
  readonly expected: number
  readonly resolve: (text: string) => void
  readonly reject: (error: unknown) => void
}

/** Jobs of this many expected milliseconds of work at most share a pool task (default). */
const BATCH_MS = 1
/** Jobs per pool task at most. */
const BATCH_JOBS = 64

// How a server's jobs reach its pool. A job costs its thread a wake-up and the main thread a
// message each way, which for a tiny task is far more than the task: jobs that arrive in one
// turn of the event loop (BullMQ reads several replies from Redis at once when busy) go to the
// pool after that turn, and those known to be short share one pool task (runJobs), so one
// message each way serves the lot. A job whose key has run long before, or never ran here, gets
// a task of its own, so long jobs still spread over the threads, and each can be stopped alone
// (a job in a shared task is known to end within BATCH_MS: it is left to finish).
export class JobHandOver {
  readonly #pool: ThreadPool
  readonly #signal: AbortSignal
  readonly #batchMs: number
  #waiting: Waiting[] = []
  #scheduled = false
  readonly #runTimes = new RunTimes()

  /** `signal` stops every shared task (the server is closing); `batchMs`: expected work a shared task may hold. */
  constructor(pool: ThreadPool, signal: AbortSignal, batchMs = BATCH_MS) {
    this.#pool = pool
    this.#signal = signal
    this.#batchMs = batchMs
  }

  /**
   * Runs registered `fn` on the pool with `args` (encoded); resolves with its encoded result, or
   * rejects (JobFailure for the task's own error). `ownSignal` is asked for when the job gets a
   * pool task of its own: that task's signal.
   */
  run(fn: Function, key: string, args: string, ownSignal: () => AbortSignal): Promise<string> {
    const url = registrationOf(fn)?.url ?? ""
    return new Promise((resolve, reject) => {
      this.#waiting.push({ key, url, args, ownSignal, expected: this.#runTimes.expected(key), resolve, reject })
      if (!this.#scheduled) {
        this.#scheduled = true
        setImmediate(this.#handOver)
      }
    })
  }

  /** What a job of `key` is expected to take (ms), from its earlier jobs; Infinity when none ran. */
  expected(key: string): number {
    return this.#runTimes.expected(key)
  }

  readonly #handOver = (): void => {
    this.#scheduled = false
    const waiting = this.#waiting
    this.#waiting = []
    let start = 0
    while (start < waiting.length) {
      let end = start + 1
      let work = waiting[start]!.expected
      while (end < waiting.length && end - start < BATCH_JOBS && work + waiting[end]!.expected <= this.#batchMs)
        work += waiting[end++]!.expected
      this.#send(waiting.slice(start, end))
      start = end
    }
  }

  #send(batch: Waiting[]): void {
    const urls: Record<string, string> = {}
    const jobs: string[] = []
    for (const job of batch) {
      urls[job.key] = job.url
      jobs.push(job.key, job.args)
    }
    let future
    try {
      // A job not known to be short runs alone and may be stopped alone; short ones just end.
      const first = batch[0]!
      const signal = batch.length === 1 && !(first.expected <= this.#batchMs) ? first.ownSignal() : this.#signal
      // As one string: the pool copies text as it is, where arrays are walked for shared memory first.
      future = this.#pool.run(runJobs, { args: [JSON.stringify([urls, jobs])], signal })
    } catch (error) {
      for (const job of batch) job.reject(error)
      return
    }
    future.then(
      (outcomes) => this.#answer(batch, outcomes),
      (error: unknown) => {
        // The thread died running one of them (or was stopped): which one is unknown, and the
        // results of those that ran died with it. Alone, each gets its own fate (at least once).
        if (batch.length > 1 && error instanceof ThreadExitError) for (const job of batch) this.#send([job])
        else for (const job of batch) job.reject(error)
      },
    )
  }

  #answer(batch: Waiting[], outcomes: readonly unknown[]): void {
    for (let i = 0; i < batch.length; i++) {
      const job = batch[i]!
      const at = i * OUTCOME_STRIDE
      this.#runTimes.record(job.key, outcomes[at + 2] as number)
      if (outcomes[at] === FAILED) job.reject(new JobFailure(outcomes[at + 1] as string))
      else job.resolve(outcomes[at + 1] as string)
    }
  }
}
