import { callerStackOf } from "../error-transport.js"
import { Future } from "./future.js"
import type { TaskExtra } from "./pool-protocol.js"
import type { SlotControl } from "./slot-control.js"
import type { ValueStream } from "../stream/value-stream.js"

/** What a task needs from the worker that holds it (the pool's record of that worker). */
export interface TaskHolder {
  readonly slots: SlotControl | undefined
}

/** What a task needs from its pool while it is pending. */
export interface TaskOwner<W extends TaskHolder = TaskHolder> {
  /** Takes a task back if it has not started; true on success. */
  withdraw(task: PoolTask<unknown, W>): boolean
  /** Every task reports here exactly once, however it settled. */
  settled(task: PoolTask<unknown, W>): void
}

export interface RareFields {
  /** The object whose method runs (style 2): its fields are written back. */
  self?: object
  signal?: AbortSignal
  onAbort?: () => void
  timeout?: number
  timer?: ReturnType<typeof setTimeout>
  /** A stream's reader side: the values the worker sends go there. */
  stream?: ValueStream
  /** The caller's `onProgress`. */
  onProgress?: (value: unknown) => void
}

// A pool task is its own Future: one object per task, carrying what the pool needs to send,
// track and stop it. Fields that only some tasks use stay undefined.
export class PoolTask<T = unknown, W extends TaskHolder = TaskHolder> extends Future<T> {
  readonly owner: TaskOwner<W>
  readonly targetIndex: number
  readonly args: unknown
  readonly extra: TaskExtra | undefined
  readonly transfer: readonly object[] | undefined
  readonly submitted: number
  /** The worker that holds the task, once sent. */
  worker: W | undefined = undefined
  seq = 0
  /** Taken back before a worker got it: the queue skips it. */
  withdrawn = false
  /** In the pool's queue now. */
  queued = false
  /** Where submit() was called, when captured. */
  site: Error | undefined = undefined
  /** What only some tasks need (signal, timeout, object target), kept out of the common shape. */
  rare: RareFields | undefined = undefined

  constructor(
    owner: TaskOwner<W>,
    targetIndex: number,
    args: unknown,
    extra: TaskExtra | undefined,
    transfer: readonly object[] | undefined,
  ) {
    super()
    this.owner = owner
    this.targetIndex = targetIndex
    this.args = args
    this.extra = extra
    this.transfer = transfer
    this.submitted = performance.now()
  }

  protected override hasStarted(): boolean {
    const worker = this.worker
    if (worker === undefined) return false
    return worker.slots === undefined || worker.slots.started(this.seq)
  }

  protected override tryWithdraw(): boolean {
    return this.owner.withdraw(this)
  }

  protected override settled(): void {
    this.owner.settled(this)
  }

  /** The caller's half of a failed task's stack: the frames of the submit() site, when captured. */
  submitSite(label: string): string | undefined {
    return callerStackOf(this.site, `${label} submitted at`)
  }
}
