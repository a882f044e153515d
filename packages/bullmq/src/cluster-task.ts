import { Future } from "@weft/node"

/** What a task needs from its ClusterPool while pending. */
export interface ClusterTaskOwner {
  /** Takes back a job that has not started; true unless the caller has already seen it start. */
  withdraw(task: ClusterTask): boolean
  /** Every task reports here exactly once, however it settled. */
  settled(task: ClusterTask): void
}

// A cluster task is its own Future (one object per job), like the local pool's tasks.
export class ClusterTask<T = unknown> extends Future<T> {
  readonly owner: ClusterTaskOwner
  readonly id: string
  readonly name: string
  /** The job's record until it is in Redis; then dropped, so a pending task does not hold its encoded arguments. */
  data: object | undefined
  /** Where submit() was called, when captured. */
  site: Error | undefined = undefined
  /** The job is in Redis (addBulk resolved). */
  added = false
  /** A server has taken the job (its "active" event was seen). */
  started = false
  /** Settled here (cancelled, or its signal aborted), not by a server: its job must be taken back out. */
  endedHere = false
  /** Last time Redis was asked about this job (reconciliation). */
  checked = 0
  signal: AbortSignal | undefined = undefined
  onAbort: (() => void) | undefined = undefined

  constructor(owner: ClusterTaskOwner, id: string, name: string, data: object) {
    super()
    this.owner = owner
    this.id = id
    this.name = name
    this.data = data
  }

  protected override hasStarted(): boolean {
    return this.started
  }

  protected override tryWithdraw(): boolean {
    return this.owner.withdraw(this)
  }

  protected override settled(): void {
    this.owner.settled(this)
  }
}
