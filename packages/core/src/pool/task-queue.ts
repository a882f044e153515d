import type { PoolTask } from "./pool-task.js"

/** The pool's FIFO of tasks not yet sent to a worker: a growable ring, with room to put tasks back in front. */
export class TaskQueue {
  #items: (PoolTask | undefined)[] = new Array(64)
  #head = 0
  #size = 0

  get size(): number {
    return this.#size
  }

  push(task: PoolTask): void {
    if (this.#size === this.#items.length) this.#grow()
    this.#items[(this.#head + this.#size) & (this.#items.length - 1)] = task
    this.#size++
  }

  /** Puts tasks back at the front, keeping their order. */
  unshiftAll(tasks: readonly PoolTask[]): void {
    for (let i = tasks.length - 1; i >= 0; i--) {
      if (this.#size === this.#items.length) this.#grow()
      this.#head = (this.#head - 1) & (this.#items.length - 1)
      this.#items[this.#head] = tasks[i]
      this.#size++
    }
  }

  shift(): PoolTask | undefined {
    if (this.#size === 0) return undefined
    const task = this.#items[this.#head]
    this.#items[this.#head] = undefined
    this.#head = (this.#head + 1) & (this.#items.length - 1)
    this.#size--
    return task
  }

  /** Empties the queue, returning what it held. */
  drain(): PoolTask[] {
    const out: PoolTask[] = []
    for (let task = this.shift(); task !== undefined; task = this.shift()) out.push(task)
    return out
  }

  #grow(): void {
    const old = this.#items
    const items = new Array<PoolTask | undefined>(old.length * 2)
    for (let i = 0; i < this.#size; i++) items[i] = old[(this.#head + i) & (old.length - 1)]
    this.#items = items
    this.#head = 0
  }
}
