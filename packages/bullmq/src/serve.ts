import { existsSync } from "node:fs"
import { isAbsolute, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { QueueEvents, UnrecoverableError, WaitingError, Worker, type Job } from "bullmq"
import type { Redis } from "ioredis"
import { deserializeThrown, lookupRegistered, serializeThrown, type WireThrown } from "@weft/core/adapter"
import { RuntimeError, ThreadPool, ThreadTargetError } from "@weft/node"
import { closeQuietly, lastStreamId, ownClient, type ConnectionOption } from "./connection.js"
import { CANCEL_EVENT, cancelQueueName, failureText, type TaskJobData } from "./job-data.js"
import { JobFailure, JobHandOver } from "./job-hand-over.js"
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
  /** The local pool running this server's jobs (jobs known to be short may share one of its tasks). */
  readonly pool: ThreadPool
  /** Resolves once the server takes jobs (modules loaded, Redis connected). */
  readonly ready: Promise<void>
  /** Stops taking jobs, lets running ones finish (up to `timeout`), then closes everything. */
  close(options?: CloseOptions): Promise<void>
}

interface Running {
  readonly job: Job
  readonly token: string | undefined
  /** Its own stop switch: made when its task has a signal, or when it runs in a pool task of its own. */
  controller: AbortController | undefined
  /** A caller's cancellation that came before the job had a stop switch. */
  cancelled: { readonly reason: unknown } | undefined
  /** Stopped by close(): the job goes back to the queue instead of failing. */
  requeue: boolean
}

let serverCounter = 0

/**
 * The worker side of a ClusterPool: a BullMQ Worker on `queue` whose processor runs every job
 * on a local weft ThreadPool of `maxWorkers` threads. Run one per machine (or the `weft-serve` CLI).
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

  // Two parameters, not BullMQ's third (its AbortSignal): BullMQ then makes no AbortController
  // per job. It would abort only on worker.cancelJob(), which serve() never calls; a job is
  // stopped through its own controller below (a caller's cancel event), or stopAll (close()).
  const processor = async (job: Job, token?: string): Promise<string> => {
    const data = job.data as TaskJobData
    const id = job.id!
    const entry: Running = {
      job,
      token,
      controller: data.stoppable ? new AbortController() : undefined,
      cancelled: undefined,
      requeue: false,
    }
    running.set(id, entry)
    try {
      const found = lookupRegistered(data.key)
      const fn = typeof found === "function" ? (found as (...args: unknown[]) => unknown) : await resolveTarget(data)
      // The common job (no signal, no timeout, not a map chunk) runs through the hand-over: in
      // a pool task it may share with jobs that arrived with it, decoded and encoded on its thread.
      if (entry.controller === undefined && data.timeout === undefined && !data.chunk)
        return await handOver.run(fn, data.key, data.args, () => ownSignal(entry))
      const args = decodeValue(data.args) as unknown[]
      const signal = entry.controller?.signal ?? stopAll.signal
      const timeout = data.timeout
      const value = data.chunk
        ? await Promise.all(args.map((item) => pool.run(fn, { args: [item], signal, timeout })))
        : await pool.run(fn, { args, signal, timeout })
      return encodeResult(value, data.key)
    } catch (error) {
      if (entry.requeue) {
        await job.moveToWait(token)
        throw new WaitingError()
      }
      throw new UnrecoverableError(error instanceof JobFailure ? error.failureText : failureText(serializeThrown(error)))
    } finally {
      running.delete(id)
    }
  }

  /** A job handed over alone gets a stop switch of its own, already thrown if it was stopped while waiting. */
  function ownSignal(entry: Running): AbortSignal {
    const controller = (entry.controller ??= new AbortController())
    if (stopAll.signal.aborted) controller.abort(stopAll.signal.reason)
    else if (entry.cancelled !== undefined) controller.abort(entry.cancelled.reason)
    return controller.signal
  }

  async function resolveTarget(data: TaskJobData): Promise<(...args: unknown[]) => unknown> {
    let fn = lookupRegistered(data.key)
    if (fn === undefined && data.url.startsWith("file:") && existsSync(fileURLToPath(data.url))) {
      // The caller's module exists here too (same layout on every machine): load it.
      await import(data.url)
      fn = lookupRegistered(data.key)
    }
    if (typeof fn !== "function") {
      throw new ThreadTargetError(
        `server ${name} has no task registered as "${data.key}" (registered by ${data.url} on the caller): list the module that calls threadable(import.meta.url, ${data.key}) in serve({ modules }) / weft-serve --module`,
      )
    }
    return fn as (...args: unknown[]) => unknown
  }

  let worker: Worker | undefined
  let events: QueueEvents | undefined
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
        const entry = running.get(jobId)
        if (entry === undefined) return
        let why: unknown
        try {
          why = deserializeThrown(decodeValue(reason) as WireThrown)
        } catch {
          why = new RuntimeError("the task was cancelled by its caller")
        }
        // Without a stop switch yet, it is waiting for its hand-over (it stops when it gets one),
        // or it shares a pool task with other short jobs (it ends within milliseconds anyway).
        if (entry.controller === undefined) entry.cancelled = { reason: why }
        else entry.controller.abort(why)
      },
    )
    worker = new Worker(options.queue, processor, {
      connection: client("worker"),
      prefix,
      concurrency,
      name,
      // BullMQ takes an explicit undefined as a value: pass only what was set.
      ...defined({
        lockDuration: options.lockDuration,
        stalledInterval: options.stalledInterval,
        maxStalledCount: options.maxStalledCount,
      }),
    })
    worker.on("error", () => {})
    await Promise.all([worker.waitUntilReady(), events.waitUntilReady()])
  })()
  ready.catch(() => {})

  let closing: Promise<void> | undefined
  const close = (closeOptions: CloseOptions = {}): Promise<void> => {
    closing ??= (async () => {
      await ready.catch(() => {})
      const timeout = closeOptions.timeout ?? 10_000
      const closed = worker?.close() ?? Promise.resolve()
      let timer: ReturnType<typeof setTimeout> | undefined
      const timedOut = new Promise<void>((resolveTimeout) => {
        timer = setTimeout(() => {
          // Worker.close() waits for active jobs: stop them and hand them back to the queue.
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
      await closed
      clearTimeout(timer)
      await events?.close()
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
