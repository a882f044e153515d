import type { TargetRef } from "../protocol.js"
import type { WorkerHandle } from "../runtime.js"
import { RING, RING_MASK } from "./pool-protocol.js"
import type { PoolTask } from "./pool-task.js"
import { SlotControl } from "./slot-control.js"

export type Termination = "idle" | "retired" | "grace" | "shutdown" | "broken"

// The pool's record of one worker: the tasks it holds, oldest first, in a ring indexed by seq
// (both sides count tasks in the order they were sent), and the batch being built for it.
export class WorkerRecord {
  readonly handle: WorkerHandle
  readonly name: string
  /** Shared claim/cancel words per slot; undefined without shared memory. */
  readonly slots: SlotControl | undefined
  readonly ring: (PoolTask<unknown, WorkerRecord> | undefined)[] = new Array(RING)
  /** Seq of the oldest task not yet answered, and of the next task to send. */
  head = 0
  tail = 0
  /** Tasks sent over this worker's life (for maxTasksPerWorker). */
  sent = 0
  /** How many of the pool's target refs this worker has been sent. */
  sentRefs = 0
  /** The worker's thread ident (what `currentThread().ident` says in its tasks). */
  ident = 0
  ready = false
  alive = true
  referenced = true
  terminating: Termination | undefined = undefined
  idleTimer: ReturnType<typeof setTimeout> | undefined = undefined
  /** Resolves once the worker is gone (exited, or abandoned after a terminate() that hung). */
  readonly gone: Promise<void>
  markGone!: () => void
  #batch: unknown[] | undefined = undefined
  #transfer: object[] | undefined = undefined

  constructor(handle: WorkerHandle, name: string, sharedMemory: boolean) {
    this.handle = handle
    this.name = name
    this.gone = new Promise((resolve) => (this.markGone = resolve))
    this.slots = sharedMemory ? new SlotControl() : undefined
  }

  get inFlight(): number {
    return this.tail - this.head
  }

  /** Adds a task to the batch for this worker. */
  assign(task: PoolTask<unknown, WorkerRecord>): void {
    const seq = this.tail++
    this.ring[seq & RING_MASK] = task
    task.worker = this
    task.seq = seq
    this.sent++
    const batch = (this.#batch ??= [])
    batch.push(task.targetIndex, task.args, task.extra)
    if (task.transfer !== undefined) (this.#transfer ??= []).push(...task.transfer)
  }

  /** The task at `seq`, if this worker still holds it. */
  taskAt(seq: number): PoolTask<unknown, WorkerRecord> | undefined {
    return this.ring[seq & RING_MASK]
  }

  /** Takes the task at `seq` out of the ring (answered, stolen or lost). */
  take(seq: number): PoolTask<unknown, WorkerRecord> | undefined {
    const slot = seq & RING_MASK
    const task = this.ring[slot]
    this.ring[slot] = undefined
    return task
  }

  /** Posts the batch built since the last flush, with any target refs the worker lacks. */
  flush(refs: readonly TargetRef[]): void {
    const tasks = this.#batch
    if (tasks === undefined) return
    const transfer = this.#transfer
    this.#batch = undefined
    this.#transfer = undefined
    if (this.sentRefs < refs.length) {
      this.handle.post({ t: "pool-tasks", tasks, refs: refs.slice(this.sentRefs), refBase: this.sentRefs }, transfer)
      this.sentRefs = refs.length
    } else {
      this.handle.post(tasks, transfer)
    }
  }

  /** Seqs this worker holds, oldest first. */
  *held(): Generator<number> {
    for (let seq = this.head; seq < this.tail; seq++) yield seq
  }

  /** Whether the worker is running task `seq` now: its claim word says so; without shared memory the worker answers each task before the next. */
  isRunning(seq: number): boolean {
    return this.slots === undefined ? seq === this.head : this.slots.running(seq)
  }

  /** The grace kill's decision: true while `seq` is still running, and from then on the worker starts nothing else. */
  claimKill(seq: number): boolean {
    return this.slots === undefined ? seq === this.head : this.slots.kill(seq)
  }
}
