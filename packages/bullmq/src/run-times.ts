/** Runs `typical()` looks back over. */
const RECENT = 3

interface KeyTimes {
  /** Average that follows quickly (ms). */
  average: number
  /** The last RECENT runs (ms), a ring. */
  readonly recent: number[]
  next: number
}

/**
 * Per registered key, what its jobs are expected to take (ms). A server decides by it where a job
 * runs: on the queue thread, in a pool task shared with others, or in one of its own.
 */
export class RunTimes {
  readonly #times = new Map<string, KeyTimes>()

  /**
   * An average that follows quickly, since a key's first run in a thread is slow (loading,
   * compiling): what a shared pool task budgets for. Infinity until a job of `key` has run.
   */
  expected(key: string): number {
    return this.#times.get(key)?.average ?? Infinity
  }

  /**
   * The median of the last three runs: what decides that a key is tiny enough to run inline. A
   * run's time is wall time, and one run preempted by the scheduler (a busy machine, a profiler)
   * looks milliseconds long; one such run must not send a tiny key's jobs over to the pool, two
   * slow runs in three do. Infinity until a job of `key` has run.
   */
  typical(key: string): number {
    const times = this.#times.get(key)
    if (times === undefined) return Infinity
    const [a, b, c] = times.recent as [number, number, number]
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c))
  }

  /** A job of `key` ran for `ms`. */
  record(key: string, ms: number): void {
    const times = this.#times.get(key)
    if (times === undefined) {
      this.adopt(key, ms)
      return
    }
    times.average = (times.average + ms) / 2
    times.recent[times.next] = ms
    times.next = (times.next + 1) % RECENT
  }

  /** Takes another thread's expectation for `key` as this one's. */
  adopt(key: string, ms: number): void {
    this.#times.set(key, { average: ms, recent: Array<number>(RECENT).fill(ms), next: 0 })
  }
}
