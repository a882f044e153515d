/** What the queue needs of a task: flags it keeps on it. */
export interface Queueable {
  /** Taken back while queued: skipped when it comes out. */
  withdrawn: boolean
  /** In this queue now. */
  queued: boolean
}

/**
 * The pool's FIFO of tasks not yet sent to a worker: a growable ring, with room to put tasks back
 * in front. A task taken back while queued (`withdraw`) stays in place and is skipped when it
 * comes out, so cancelling is O(1); `size` counts only the tasks still waiting.
 */
export class TaskQueue<T extends Queueable> {
  #items: (T | undefined)[] = new Array(64)
  #head = 0
  /** Slots in use, withdrawn tasks included. */
  #used = 0
  #withdrawn = 0

  /** Tasks still waiting (withdrawn ones not counted). */
  get size(): number {
    return this.#used - this.#withdrawn
  }

  push(task: T): void {
    if (this.#used === this.#items.length) this.#grow()
    this.#items[(this.#head + this.#used) & (this.#items.length - 1)] = task
    task.queued = true
    this.#used++
  }

  /** Puts tasks back at the front, keeping their order. */
  unshiftAll(tasks: readonly T[]): void {
    for (let i = tasks.length - 1; i >= 0; i--) {
      if (this.#used === this.#items.length) this.#grow()
      this.#head = (this.#head - 1) & (this.#items.length - 1)
      this.#items[this.#head] = tasks[i]
      tasks[i]!.queued = true
      this.#used++
    }
  }

  /** The next waiting task, skipping withdrawn ones. */
  shift(): T | undefined {
    for (;;) {
      const task = this.#take()
      if (task === undefined || !task.withdrawn) return task
      this.#withdrawn--
    }
  }

  /** Takes back a task that is not with a worker; in the queue, it is skipped when it comes out. */
  withdraw(task: T): void {
    if (task.withdrawn) return
    task.withdrawn = true
    if (!task.queued) return
    this.#withdrawn++
    if (this.size === 0) this.#clear()
  }

  /** Empties the queue, returning the tasks that were still waiting. */
  drain(): T[] {
    const out: T[] = []
    for (let task = this.shift(); task !== undefined; task = this.shift()) out.push(task)
    return out
  }

  #take(): T | undefined {
    if (this.#used === 0) return undefined
    const task = this.#items[this.#head]
    this.#items[this.#head] = undefined
    this.#head = (this.#head + 1) & (this.#items.length - 1)
    this.#used--
    task!.queued = false
    return task
  }

  /** Only withdrawn tasks are left: let them go now rather than when the queue next moves. */
  #clear(): void {
    for (let i = 0; i < this.#used; i++) this.#items[(this.#head + i) & (this.#items.length - 1)]!.queued = false
    this.#items = new Array(64)
    this.#head = 0
    this.#used = 0
    this.#withdrawn = 0
  }

  #grow(): void {
    const old = this.#items
    const items = new Array<T | undefined>(old.length * 2)
    for (let i = 0; i < this.#used; i++) items[i] = old[(this.#head + i) & (old.length - 1)]
    this.#items = items
    this.#head = 0
  }
}
