// The thread that holds a server's BullMQ Worker (serve() starts it). A job whose key is known
// to take less than a hop to a pool thread and back runs here, where it arrived: for a tiny task
// the hop (two cross-thread wake-ups, and Redis replies answered one by one) costs far more than
// the task. Every other job (its key slow or not seen yet, or it has a signal, a timeout or is a
// map chunk) goes to the main thread, which runs it on the server's ThreadPool.
import { parentPort, workerData } from "node:worker_threads"
import { UnrecoverableError, WaitingError, Worker, type Job } from "bullmq"
import { importTaskModule, isThenable, lookupRegistered, serializeThrown } from "@weft/core/adapter"
import { currentThread } from "@weft/node" // binds core to Node here too: the task modules below register into this copy
import { closeQuietly, ownClient } from "./connection.js"
import { InlineSlot } from "./inline-slot.js"
import { failureText, type TaskJobData } from "./job-data.js"
import type { FromQueueThread, QueueThreadConfig, ToQueueThread } from "./queue-thread-messages.js"
import { RunTimes } from "./run-times.js"
import { decodeValue, encodeResult } from "./wire.js"

/** A key whose jobs are expected to take at most this long (ms) runs here. */
const INLINE_MS = 0.1

interface Forwarded {
  readonly job: Job
  readonly token: string
  readonly key: string
  readonly resolve: (text: string) => void
  readonly reject: (error: unknown) => void
}

const config = workerData as QueueThreadConfig
currentThread().name = `${config.name}:queue` // what a task running here sees as its thread
const port = parentPort!
const post = (message: FromQueueThread) => port.postMessage(message)
const slot = new InlineSlot(config.slot)
/** As the main thread measured each key, and as runs here add. */
const runTimes = new RunTimes()
const forwarded = new Map<number, Forwarded>()
let counter = 0

function runsHere(data: TaskJobData, fn: unknown): fn is (...args: unknown[]) => unknown {
  return (
    typeof fn === "function" &&
    data.timeout === undefined &&
    data.stoppable === undefined &&
    data.chunk === undefined &&
    runTimes.typical(data.key) <= INLINE_MS
  )
}

async function processor(job: Job, token?: string): Promise<string> {
  const data = job.data as TaskJobData
  const fn = lookupRegistered(data.key)
  if (!runsHere(data, fn)) return forward(job, token ?? "", data)
  const started = performance.now()
  slot.hold(job.id!, token ?? "")
  try {
    let value: unknown
    try {
      value = fn(...(decodeValue(data.args) as unknown[]))
    } finally {
      // Released once the call returns: a task that then waits does not hold the thread, so
      // whatever ends the thread later is not this job.
      slot.release()
    }
    if (isThenable(value)) value = await value
    return encodeResult(value, data.key)
  } catch (error) {
    throw new UnrecoverableError(failureText(serializeThrown(error)))
  } finally {
    runTimes.record(data.key, performance.now() - started)
  }
}

function forward(job: Job, token: string, data: TaskJobData): Promise<string> {
  const n = ++counter
  return new Promise((resolve, reject) => {
    forwarded.set(n, { job, token, key: data.key, resolve, reject })
    post({ t: "run", n, id: job.id!, token, data })
  })
}

function answer(message: ToQueueThread): void {
  if (message.t === "close") {
    void worker
      .close()
      .then(() => closeQuietly(client))
      .then(() => post({ t: "closed" }))
    return
  }
  const entry = forwarded.get(message.n)
  if (entry === undefined) return
  forwarded.delete(message.n)
  if (message.t === "done") {
    runTimes.adopt(entry.key, message.expected)
    entry.resolve(message.text)
  } else if (message.t === "fail") {
    entry.reject(new UnrecoverableError(message.text))
  } else {
    // Stopped by the server's close(): back to the queue for another server.
    entry.job.moveToWait(entry.token).then(
      () => entry.reject(new WaitingError()),
      (error: unknown) => entry.reject(error),
    )
  }
}

const client = ownClient(config.connection, `${config.name}:worker`)
client.on("error", () => {}) // ioredis reconnects; BullMQ reports through the worker
let worker: Worker
try {
  for (const url of config.modules) await importTaskModule(url)
  worker = new Worker(config.queue, processor, {
    connection: client,
    prefix: config.prefix,
    concurrency: config.concurrency,
    name: config.name,
    ...config.workerOptions,
  })
  worker.on("error", () => {}) // connection errors: ioredis reconnects
  port.on("message", answer)
  await worker.waitUntilReady()
  post({ t: "ready" })
} catch (error) {
  post({ t: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) })
}
