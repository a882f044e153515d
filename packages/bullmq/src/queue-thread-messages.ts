import type { RedisOptions } from "ioredis"
import type { TaskJobData } from "./job-data.js"

// What serve() and its queue thread say to each other. The queue thread holds the server's BullMQ
// Worker: it runs jobs known to be tiny where they arrive and forwards every other job to the
// main thread, which runs it on the server's ThreadPool (with its signal, timeout and grace).

export interface QueueThreadConfig {
  readonly connection: RedisOptions
  readonly queue: string
  readonly prefix: string | undefined
  readonly name: string
  readonly concurrency: number
  /** BullMQ Worker settings given to serve(); unset ones are left out. */
  readonly workerOptions: { readonly lockDuration?: number; readonly stalledInterval?: number; readonly maxStalledCount?: number }
  /** Task modules (URLs), imported before the Worker starts. */
  readonly modules: readonly string[]
  /** InlineSlot's memory. */
  readonly slot: SharedArrayBuffer
}

/** Queue thread → main thread. */
export type FromQueueThread =
  | { readonly t: "ready" }
  | { readonly t: "failed"; readonly message: string }
  /** Run this job on the pool; answer with `n`. */
  | { readonly t: "run"; readonly n: number; readonly id: string; readonly token: string; readonly data: TaskJobData }
  | { readonly t: "closed" }

/** How a forwarded job ended. */
export type Answer =
  /** Its encoded result; `expected`: what the server now expects a job of its key to take (ms). */
  | { readonly t: "done"; readonly text: string; readonly expected: number }
  /** It failed: the text BullMQ stores. */
  | { readonly t: "fail"; readonly text: string }
  /** The server is closing and stopped it: back to the queue. */
  | { readonly t: "requeue" }

/** Main thread → queue thread: the answer for forwarded job `n`, or "stop taking jobs; answer closed once the held ones are done". */
export type ToQueueThread = (Answer & { readonly n: number }) | { readonly t: "close" }
