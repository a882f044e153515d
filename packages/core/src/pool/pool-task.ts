import { Future } from "./future.js"
import { DONE, STARTED, WORDS_PER_SLOT, RING_MASK, type TaskExtra } from "./pool-protocol.js"
import type { PoolWorker } from "./pool-worker.js"

/** What a task needs from its pool while it is pending. */
export interface TaskOwner {
  /** Takes a task back if it has not started; true on success. */
  withdraw(task: PoolTask): boolean
  /** Every task reports here exactly once, however it settled. */
  settled(task: PoolTask): void
}

export interface RareFields {
  /** The object whose method runs (style 2): its fields are written back. */
  self?: object
  signal?: AbortSignal
  onAbort?: () => void
  timeout?: number
  timer?: ReturnType<typeof setTimeout>
}

// A pool task is its own Future: one object per task, carrying what the pool needs to send,
// track and stop it. Fields that only some tasks use stay undefined.
export class PoolTask<T = unknown> extends Future<T> {
  readonly owner: TaskOwner
  readonly targetIndex: number
  readonly args: unknown
  readonly extra: TaskExtra | undefined
  readonly transfer: readonly object[] | undefined
  readonly submitted: number
  /** The worker that holds the task, once sent. */
  worker: PoolWorker | undefined = undefined
  seq = 0
  /** Taken back from the pool's queue: skip it there. */
  withdrawn = false
  /** Where submit() was called, when captured. */
  site: Error | undefined = undefined
  /** What only some tasks need (signal, timeout, object target), kept out of the common shape. */
  rare: RareFields | undefined = undefined

  constructor(owner: TaskOwner, targetIndex: number, args: unknown, extra: TaskExtra | undefined, transfer: readonly object[] | undefined) {
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
    const control = worker.control
    if (control === undefined) return true
    const claim = Atomics.load(control, (this.seq & RING_MASK) * WORDS_PER_SLOT)
    return claim === STARTED || claim === DONE
  }

  protected override tryWithdraw(): boolean {
    return this.owner.withdraw(this)
  }

  protected override settled(): void {
    this.owner.settled(this)
  }
}
