import type { WireThrown } from "./error-transport.js"

// The messages between a parent and a worker. Core owns the whole protocol; an adapter only
// moves these objects across its runtime's channel.

/** How the worker finds the code to run. */
export type TargetRef =
  | { readonly kind: "registered"; readonly key: string; readonly url: string }
  | { readonly kind: "inline"; readonly source: string; readonly name: string }
  | { readonly kind: "method"; readonly key: string; readonly url: string; readonly method: string }
  | { readonly kind: "subclass"; readonly key: string; readonly url: string }
  | { readonly kind: "none" }

export interface ThreadInfo {
  readonly name: string
  readonly ident: number
  readonly daemon: boolean
}

export interface RunMessage {
  readonly t: "run"
  readonly id: number
  readonly target: TargetRef
  readonly args: readonly unknown[]
  /** The own fields of a style-2/3 object. */
  readonly state?: Record<string, unknown>
  /** Whether `args`/`state` hold tagged primitives to rebuild. */
  readonly shared: boolean
  readonly thread: ThreadInfo
  /** Word 0 holds the id of the cancelled job, so a CPU loop can poll it synchronously. */
  readonly cancelFlag?: Int32Array
  /** The process-wide ident counter, on runtimes that have no thread id of their own. */
  readonly identCounter?: Int32Array
  /** The process-wide table of dead threads (see liveness.ts). */
  readonly liveness?: Int32Array
  /** The cancel reason when the thread was cancelled before it started. */
  readonly cancelled?: WireThrown
  /** A generator target may run ahead of its reader by this many values (its first credits). */
  readonly credits: number
  /** The caller listens to `progress()`. */
  readonly progress?: boolean
}

/** The reader of a generator thread read values: it may run ahead by `n` more. */
export interface CreditMessage {
  readonly t: "credit"
  readonly id: number
  readonly n: number
}

/** The reader of a generator thread stopped: close the generator (its finally blocks run). */
export interface StopMessage {
  readonly t: "stop"
  readonly id: number
}

/** Values a generator thread yielded, or passed to progress(), in order. */
export interface ValuesMessage {
  readonly t: "yield" | "progress"
  readonly id: number
  readonly values: readonly unknown[]
  /** Whether `values` hold tagged primitives to rebuild. */
  readonly shared: boolean
}

export interface CancelMessage {
  readonly t: "cancel"
  readonly id: number
  readonly reason: WireThrown
}

export interface StateWriteBack {
  readonly fields: Record<string, unknown>
  readonly shared: boolean
  /** Fields that could not be cloned back; the caller keeps its own value for them. */
  readonly failed?: readonly string[]
}

export interface DoneMessage {
  readonly t: "done"
  readonly id: number
  readonly ok: boolean
  readonly value?: unknown
  readonly error?: WireThrown
  readonly shared: boolean
  readonly state?: StateWriteBack
}

/** After a thread's job: every non-daemon thread it started has ended, the worker may go. */
export interface IdleMessage {
  readonly t: "idle"
}

/**
 * A spare worker's first message, and the worker's answer. Some runtimes pay for the first message
 * each way on a worker (Deno: about 1.5 ms); the spare pays it while it waits, not the thread that takes it.
 */
export interface WarmMessage {
  readonly t: "warm"
}

export type ToWorker = RunMessage | CancelMessage | CreditMessage | StopMessage | WarmMessage
export type FromWorker = DoneMessage | IdleMessage | ValuesMessage | WarmMessage
