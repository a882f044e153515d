// A pool task that streams: the values its generator yields (and what any task passes to
// progress()) travel in their own messages, apart from the batched results, so the pool's
// result path is not touched by streaming. The reader is a ValueStream on the task; stopping it
// withdraws a task that has not started, or stops a running one like a signal does (the
// generator is closed at its yield; the worker is terminated if it still runs after the grace period).
import { CancelledError } from "../errors.js"
import { callListener } from "../thread-stream.js"
import { ValueStream } from "../stream/value-stream.js"
import type { PoolValuesMessage } from "./pool-protocol.js"
import type { PoolTask } from "./pool-task.js"
import type { WorkerRecord } from "./worker-record.js"
import { decodeShared } from "../shareable.js"
import { FROM_THREAD } from "../shared-record.js"

type Task = PoolTask<unknown, WorkerRecord>

/** What a stream needs from the pool's engine. */
export interface StreamOwner {
  withdraw(task: Task): boolean
  halt(task: Task, reason: unknown): void
}

/** Gives `task` its reader; the task's own outcome (return value, error, timeout, abort, dead worker) ends it. */
export function streamOf<T, R>(task: Task, highWaterMark: number, owner: StreamOwner): ValueStream<T, R> {
  const stream = new ValueStream<T, R>(highWaterMark, {
    grant: (n) => {
      const worker = task.worker
      if (worker !== undefined && worker.alive && !task.done()) worker.handle.post({ t: "pool-credit", seq: task.seq, n })
    },
    stop: () => {
      if (task.done()) return
      if (owner.withdraw(task)) {
        task.settleError(new CancelledError("the stream's reader stopped before the task started"))
        return
      }
      owner.halt(task, new CancelledError("the stream's reader stopped reading"))
      return task.then(noop, noop)
    },
    // A generator paused for credits, with no next() pending, waits only for the reader: its worker
    // must not keep the process alive (a stream left unread and unclosed would, forever).
    demand: (needed) => {
      const worker = task.worker
      if (worker === undefined || !worker.alive || task.done() || worker.referenced === needed) return
      worker.referenced = needed
      if (needed) worker.handle.ref()
      else worker.handle.unref()
    },
  })
  // Synchronously as the task settles, before the pool decides whether its worker rests (unref'd).
  task.listen(() => {
    const worker = task.worker
    if (worker !== undefined && worker.alive && !worker.referenced) {
      worker.referenced = true
      worker.handle.ref()
    }
  })
  ;(task.rare ??= {}).stream = stream as ValueStream
  task.then(
    (value) => stream.end({ ok: true, value }),
    (error: unknown) => stream.end({ ok: false, error }),
  )
  return stream
}

/** A worker's values message: to the stream, or to the caller's onProgress. */
export function onValues(worker: WorkerRecord, message: PoolValuesMessage): void {
  const task = worker.taskAt(message.seq)
  if (task === undefined || task.seq !== message.seq || task.done() || !Array.isArray(message.values)) return
  if (message.t === "pool-yield") return task.rare?.stream?.push(message.values, message.shared === true)
  const listener = task.rare?.onProgress
  if (listener === undefined) return
  const values = message.shared === true ? (decodeShared(message.values, FROM_THREAD) as unknown[]) : message.values
  for (const value of values) callListener(listener, value)
}

function noop(): void {}
