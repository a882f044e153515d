import { isAbsolute, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { Worker as NodeWorker } from "node:worker_threads"
import { Job, Queue, QueueEvents, UnrecoverableError } from "bullmq"
import type { Redis } from "ioredis"
import { deserializeThrown, lookupRegistered, serializeThrown, type WireThrown } from "@weft/core/adapter"
import { RuntimeError, ThreadExitError, ThreadPool, ThreadTargetError } from "@weft/node"
import { bounded, closeQuietly, lastStreamId, ownClient, threadConnection, type ConnectionOption } from "./connection.js"
import { InlineSlot, type HeldJob } from "./inline-slot.js"
import { EarlyCancels } from "./early-cancels.js"
import { CANCEL_EVENT, cancelQueueName, failureText, type TaskJobData } from "./job-data.js"
import { JobFailure, JobHandOver } from "./job-hand-over.js"
import { QueueThread } from "./queue-thread-handle.js"
import type { Answer, QueueThreadConfig } from "./queue-thread-messages.js"
import { decodeValue, encodeResult } from "./wire.js"

export interface ServeOptions {
  /** An ioredis client (duplicated, never closed here) or its options, e.g. `{ host, port }`. */
  readonly connection: ConnectionOption
  /** The BullMQ queue ClusterPools submit to. */
  readonly queue: string
  /** Modules that register the tasks (`threadable(import.meta.url, fn)`): file paths or `file:` URLs, imported at start. */
  readonly modules: readonly string[]
  /** Threads of this server's ThreadPool (default: the machine's available parallelism). */
  readonly maxWorkers?: number
  /** Jobs this server holds at once (default 2 × maxWorkers, so a thread never waits for Redis). */
  readonly concurrency?: number
  /** How long a stopped task (signal, timeout, shutdown) may run on before its thread is terminated (default 1000 ms). */
  readonly graceMs?: number
  /** BullMQ's key prefix (default "bull"). */
  readonly prefix?: string
  /** BullMQ: how long a job's lock lasts without renewal; a server dead this long loses its jobs to others (default 30,000 ms). */
  readonly lockDuration?: number
  /** BullMQ: how often this server looks for jobs whose server died (default 30,000 ms). */
  readonly stalledInterval?: number
  /** BullMQ: times a job may stall (its server died) before it fails (default 1). */
  readonly maxStalledCount?: number
  readonly name?: string
}

export interface CloseOptions {
  /**
   * Milliseconds to let running jobs finish (default 10,000). Jobs still running then are
   * stopped (signalled, terminated after graceMs) and put back in the queue for another server.
   */
  readonly timeout?: number
}

export interface Server {
  readonly name: string
  /** The local pool running this server's jobs, but those tiny enough to run where they arrive (see serve()). */
  readonly pool: ThreadPool
  /** Resolves once the server takes jobs (modules loaded, Redis connected). */
  readonly ready: Promise<void>
  /** Stops taking jobs, lets running ones finish (up to `timeout`), then closes everything. */
  close(options?: CloseOptions): Promise<void>
}

interface Running {
  /** Its own stop switch: made when its task has a signal, or when it runs in a pool task of its own. */
  controller: AbortController | undefined
  /** A caller's cancellation that came before the job had a stop switch. */
  cancelled: { readonly reason: unknown } | undefined
  /** Stopped by close(): the job goes back to the queue instead of failing. */
  requeue: boolean
}

let serverCounter = 0

/**
 * The worker side of a ClusterPool: a BullMQ Worker on `queue` that runs its jobs on a local weft
 * ThreadPool of `maxWorkers` threads. Run one per machine (or the `weft-serve` CLI).
 *
 * The Worker lives on a thread of its own (the queue thread), not on this one. A job whose task
 * is known to take less than a hop to a pool thread and back (about 0.1 ms) runs right there; any
 * other job (slow or new, with a signal or a timeout, a map chunk) comes here and runs on the pool.
 */
export function serve(options: ServeOptions): Server {
  if (typeof options !== "object" || options === null) throw new TypeError("serve(options) takes { connection, queue, modules }")
  if (typeof options.queue !== "string" || options.queue === "")
    throw new TypeError('serve() needs the name of the queue to serve: { queue: "name" }')
  if (!Array.isArray(options.modules) || options.modules.some((m) => typeof m !== "string")) {
    throw new TypeError(
      "serve() needs { modules: [...] }: the paths or file: URLs of the modules that register your tasks with threadable()",
    )
  }
  if (options.connection === undefined) throw new TypeError("serve() needs a Redis connection: { connection: { host, port } }")
  const name = options.name ?? `weft-serve-${process.pid}-${serverCounter++}`
  // No submit() sites on the server: a failed task's stack ends with its caller's site, added by
  // the ClusterPool; the processor's own frames would only cost a stack capture per job.
  const pool = new ThreadPool({ name, captureStacks: false, ...defined({ maxWorkers: options.maxWorkers, graceMs: options.graceMs }) })
  const concurrency = options.concurrency ?? 2 * pool.maxWorkers
  const running = new Map<string, Running>()
  const earlyCancels = new EarlyCancels()
  const moduleUrls = options.modules.map(toModuleUrl)
  const clients: Redis[] = []
  const client = (role: string) => {
    const created = ownClient(options.connection, `${name}:${role}`)
    created.on("error", () => {})
    clients.push(created)
    return created
  }

  // Every job without a stop switch of its own still stops when close() gives up waiting.
  const stopAll = new AbortController()
  const handOver = new JobHandOver(pool, stopAll.signal)

  /** Runs a job the queue thread forwarded, on the pool; what to answer. */
  async function execute(id: string, data: TaskJobData): Promise<Answer> {
    const entry: Running = { controller: data.stoppable ? new AbortController() : undefined, cancelled: undefined, requeue: false }
    running.set(id, entry)
    const cancelled = earlyCancels.take(id)
    if (cancelled !== undefined) cancel(entry, cancelled.reason)
    try {
      const fn = registeredTarget(data)
      // The common job (no signal, no timeout, not a map chunk) runs through the hand-over: in
      // a pool task it may share with jobs that arrived with it, decoded and encoded on its thread.
      if (entry.controller === undefined && data.timeout === undefined && !data.chunk) {
        const text = await handOver.run(fn, data.key, data.args, () => ownSignal(entry))
        return { t: "done", text, expected: handOver.expected(data.key) }
      }
      const args = decodeValue(data.args) as unknown[]
      const signal = entry.controller?.signal ?? stopAll.signal
      const timeout = data.timeout
      const value = data.chunk
        ? await Promise.all(args.map((item) => pool.run(fn, { args: [item], signal, timeout })))
        : await pool.run(fn, { args, signal, timeout })
      return { t: "done", text: encodeResult(value, data.key), expected: handOver.expected(data.key) }
    } catch (error) {
      if (entry.requeue) return { t: "requeue" }
      return { t: "fail", text: error instanceof JobFailure ? error.failureText : failureText(serializeThrown(error)) }
    } finally {
      running.delete(id)
    }
  }

  /** A caller's cancellation of a job this server runs. */
  function cancel(entry: Running, why: unknown): void {
    // Without a stop switch yet, it is waiting for its hand-over (it stops when it gets one),
    // or it shares a pool task with other short jobs (it ends within milliseconds anyway).
    if (entry.controller === undefined) entry.cancelled = { reason: why }
    else entry.controller.abort(why)
  }

  /** A job handed over alone gets a stop switch of its own, already thrown if it was stopped while waiting. */
  function ownSignal(entry: Running): AbortSignal {
    const controller = (entry.controller ??= new AbortController())
    if (stopAll.signal.aborted) controller.abort(stopAll.signal.reason)
    else if (entry.cancelled !== undefined) controller.abort(entry.cancelled.reason)
    return controller.signal
  }

  // A job names its target by key only: the caller's module URL it carries is never imported, so
  // whoever can write to the queue cannot make this server load a file it did not list.
  function registeredTarget(data: TaskJobData): (...args: unknown[]) => unknown {
    const fn = lookupRegistered(data.key)
    if (typeof fn !== "function") {
      throw new ThreadTargetError(
        `server ${name} has no task registered as "${data.key}" (registered by ${data.url} on the caller): list the module that calls threadable(import.meta.url, ${data.key}) in serve({ modules }) / weft-serve --module`,
      )
    }
    return fn as (...args: unknown[]) => unknown
  }

  let queueThread: QueueThread | undefined
  let events: QueueEvents | undefined
  let recovery: Queue | undefined
  let closing: Promise<void> | undefined

  /**
   * Starts the queue thread; if it dies (its inline task exited the thread, or ran it out of
   * memory) the job it was running fails with ThreadExitError, the jobs it forwarded are settled
   * from here, and a new queue thread takes over.
   */
  function startQueueThread(): Promise<void> {
    const slot = InlineSlot.create()
    const config: QueueThreadConfig = {
      connection: threadConnection(options.connection),
      queue: options.queue,
      prefix: options.prefix,
      name,
      concurrency,
      workerOptions: defined({
        lockDuration: options.lockDuration,
        stalledInterval: options.stalledInterval,
        maxStalledCount: options.maxStalledCount,
      }),
      modules: moduleUrls,
      slot,
    }
    const thread = new QueueThread(
      new NodeWorker(new URL("./queue-thread.js", import.meta.url), { workerData: config, name: `${name} queue` }),
      new InlineSlot(slot),
    )
    queueThread = thread
    thread.onRun = (n, id, token, data) =>
      void execute(id, data).then((answer) => {
        if (thread.alive) thread.post({ ...answer, n })
        else void settleHere({ id, token }, answer)
      })
    thread.onExit = (exitCode, error) => {
      if (closing !== undefined || !thread.served) return
      const held = thread.slot.held()
      if (held !== undefined) {
        const why = new ThreadExitError(`the thread of server ${name} running this task ended (exit code ${exitCode})`, exitCode, {
          cause: error,
        })
        void settleHere(held, { t: "fail", text: failureText(serializeThrown(why)) })
      }
      void startQueueThread().catch(() => {})
    }
    return thread.ready
  }

  /** Ends a job whose queue thread is gone, with its lock's token (it may have been retried meanwhile: then nothing happens). */
  async function settleHere(held: HeldJob, answer: Answer): Promise<void> {
    try {
      recovery ??= new Queue(options.queue, { connection: client("recovery"), prefix: options.prefix })
      const job = await Job.fromId(recovery, held.id)
      if (job === undefined) return
      if (answer.t === "done") await job.moveToCompleted(answer.text, held.token, false)
      else if (answer.t === "fail") await job.moveToFailed(new UnrecoverableError(answer.text), held.token, false)
      else await job.moveToWait(held.token)
    } catch {
      // Its lock ran out and another server has it, or Redis is gone: it runs again (at least once).
    }
  }
  const ready = (async () => {
    for (const url of moduleUrls) await import(url)
    const eventsClient = client("events")
    const prefix = options.prefix
    const cancelQueue = cancelQueueName(options.queue)
    const start = await lastStreamId(eventsClient, `${prefix ?? "bull"}:${cancelQueue}:events`)
    events = new QueueEvents(cancelQueue, { connection: eventsClient, prefix, lastEventId: start })
    events.on("error", () => {})
    // A ClusterPool asks the server running a job to stop it (its signal aborted, or cancel()).
    ;(events as unknown as { on(event: string, fn: (args: { jobId: string; reason: string }) => void): void }).on(
      CANCEL_EVENT,
      ({ jobId, reason }) => {
        let why: unknown
        try {
          why = deserializeThrown(decodeValue(reason) as WireThrown)
        } catch {
          why = new RuntimeError("the task was cancelled by its caller")
        }
        const entry = running.get(jobId)
        if (entry === undefined) {
          // Not here (yet): the queue thread may still be passing the job on.
          earlyCancels.add(jobId, why)
          return
        }
        cancel(entry, why)
      },
    )
    await Promise.all([startQueueThread(), events.waitUntilReady()])
  })()
  ready.catch(() => {})

  const close = (closeOptions: CloseOptions = {}): Promise<void> => {
    closing ??= (async () => {
      await ready.catch(() => {})
      const timeout = closeOptions.timeout ?? 10_000
      const closed = queueThread?.close() ?? Promise.resolve()
      let timer: ReturnType<typeof setTimeout> | undefined
      const timedOut = new Promise<void>((resolveTimeout) => {
        timer = setTimeout(() => {
          // The queue thread's Worker.close() waits for active jobs: stop them and hand them back to the queue.
          const why = new RuntimeError(`server ${name} is shutting down; the job goes back to the queue`)
          for (const entry of running.values()) {
            entry.requeue = true
            entry.controller?.abort(why)
          }
          stopAll.abort(why)
          resolveTimeout()
        }, timeout)
      })
      await Promise.race([closed, timedOut])
      // The forwarded jobs were stopped; one the queue thread runs itself (known to be tiny) is
      // left to finish. One that never does keeps the thread from closing: end the thread, and
      // hand that job back to the queue.
      if (!(await bounded(closed, (options.graceMs ?? 1000) + 1000)) && queueThread !== undefined) {
        const held = queueThread.slot.held()
        await queueThread.terminate()
        if (held !== undefined) await settleHere(held, { t: "requeue" })
      }
      clearTimeout(timer)
      await queueThread?.terminate()
      await events?.close()
      await recovery?.close()
      await pool.shutdown({ wait: true, cancelFutures: true }).catch(() => {})
      await Promise.all(clients.map(closeQuietly))
    })()
    return closing
  }

  return { name, pool, ready, close }
}

function toModuleUrl(module: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module
  return pathToFileURL(isAbsolute(module) ? module : resolve(process.cwd(), module)).href
}

function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>
}
