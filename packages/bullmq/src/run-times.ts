/**
 * Per registered key, what its jobs are expected to take (ms): an average that follows quickly,
 * since a key's first run in a thread is slow (loading, compiling). A server decides by it where
 * a job runs: on the queue thread, in a pool task shared with others, or in one of its own.
 */
export class RunTimes {
  readonly #ms = new Map<string, number>()

  /** Infinity until a job of `key` has run. */
  expected(key: string): number {
    return this.#ms.get(key) ?? Infinity
  }

  /** A job of `key` ran for `ms`. */
  record(key: string, ms: number): void {
    const average = this.#ms.get(key)
    this.#ms.set(key, average === undefined ? ms : (average + ms) / 2)
  }

  /** Takes another thread's expectation for `key` as this one's. */
  adopt(key: string, ms: number): void {
    this.#ms.set(key, ms)
  }
}
