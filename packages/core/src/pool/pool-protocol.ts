import type { WireThrown } from "../error-transport.js"
import type { TargetRef, ThreadInfo } from "../protocol.js"

// The pool's messages. They are separate from a Thread's run/done because the hot path is
// different: tasks travel in batches as flat arrays, targets are sent once per worker and then
// named by index, and results come back in the order the tasks were sent, so nothing carries ids.
// The two messages every task costs, its batch and its results, are bare arrays rather than
// objects around arrays: structured clone writes and reads a bare array fastest.

/** Tasks a worker holds (sent, not yet answered) are numbered 0, 1, 2, ... on both sides: `seq`. */
export const RING = 512
export const RING_MASK = RING - 1

/** Result status bits. */
export const FAILED = 1
export const SHARED = 2
export const HAS_STATE = 4
export const SKIPPED = 8

/** Entries per task in a batch: target index, args, extra (undefined when none). */
export const TASK_STRIDE = 3
/** Entries per result in a results message: status, value, run time (ms). */
export const RESULT_STRIDE = 3
/** The first entry of a results message. A task's own code can post on the worker's port too. */
export const RESULTS_TAG = "pool-results"
/** Entries before the first result: the tag, and the seq of the first task answered. */
export const RESULTS_HEAD = 2

/** Per-task flags and data that most tasks do not need. */
export interface TaskExtra {
  /** `args`/`state` hold tagged primitives to rebuild. */
  readonly shared?: boolean
  /** Method targets: the object's own fields. */
  readonly state?: Record<string, unknown>
  /** `map` chunk: `args` is the list of items; the target runs once per item. */
  readonly chunk?: boolean
  /** Tell the pool when the task starts (its timeout counts from then). */
  readonly announce?: boolean
  /** Has a signal or timeout, so its worker may be terminated while it runs: send earlier results before it starts. */
  readonly stoppable?: boolean
  /** A stream (`pool.stream()`): the target is a generator that may run ahead of its reader by this many values. */
  readonly stream?: number
  /** The caller listens to the task's `progress()`. */
  readonly progress?: boolean
}

/**
 * What a `map` chunk whose item threw resolves with (a chunk that ran through resolves with its
 * array of results): the results of the items before it, and its error. Python's map raises an
 * item's error at that item's position.
 */
export interface ChunkFailure {
  readonly partial: readonly unknown[]
  readonly error: WireThrown
}

export interface PoolInitMessage {
  readonly t: "pool-init"
  readonly thread: ThreadInfo
  /** The words of the worker's SlotControl; undefined without shared memory. */
  readonly control?: Int32Array
  readonly identCounter?: Int32Array
  readonly liveness?: Int32Array
  readonly initializer?: { readonly target: TargetRef; readonly args: readonly unknown[]; readonly shared: boolean }
}

/** A batch of tasks, TASK_STRIDE entries each, sent as the message itself when it names no new target. */
export type PoolTaskBatch = readonly unknown[]

/** A batch that names targets this worker has not seen yet. */
export interface PoolTasksMessage {
  readonly t: "pool-tasks"
  /** Targets this worker has not seen yet, in index order, starting at `refBase`. */
  readonly refs?: readonly TargetRef[]
  readonly refBase?: number
  readonly tasks: PoolTaskBatch
}

export interface PoolCancelMessage {
  readonly t: "pool-cancel"
  readonly seq: number
  readonly reason: WireThrown
}

/** The reader of stream `seq` read values: its generator may run ahead by `n` more. */
export interface PoolCreditMessage {
  readonly t: "pool-credit"
  readonly seq: number
  readonly n: number
}

export type PoolToWorker = PoolInitMessage | PoolTaskBatch | PoolTasksMessage | PoolCancelMessage | PoolCreditMessage

export interface PoolReadyMessage {
  readonly t: "pool-ready"
  readonly error?: WireThrown
}

export interface PoolStartedMessage {
  readonly t: "pool-started"
  readonly seq: number
}

/**
 * Results of the oldest tasks the worker holds, in order: [RESULTS_TAG, first, then RESULT_STRIDE
 * entries per task]. `first` is the seq of the first task answered: a message that does not start
 * at the oldest task the pool awaits is not the pool's.
 */
export type PoolResultsMessage = readonly unknown[]

/** Values task `seq` yielded (a stream) or passed to progress(), in order, before its result. */
export interface PoolValuesMessage {
  readonly t: "pool-yield" | "pool-progress"
  readonly seq: number
  readonly values: readonly unknown[]
  /** Whether `values` hold tagged primitives to rebuild. */
  readonly shared: boolean
}

/** What a pool worker posts besides its results. */
export type PoolRecordFromWorker = PoolReadyMessage | PoolStartedMessage | PoolValuesMessage
export type PoolFromWorker = PoolRecordFromWorker | PoolResultsMessage

export function isPoolMessage(message: unknown): message is PoolToWorker {
  if (typeof message !== "object" || message === null) return false
  if (Array.isArray(message)) return true // a batch of tasks: only the pool posts to its workers
  const t = (message as { t?: unknown }).t
  return typeof t === "string" && t.startsWith("pool-")
}
