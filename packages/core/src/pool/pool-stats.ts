// Run and wait times of a pool's most recent tasks, kept in a fixed ring so recording costs a store.

const SAMPLES = 1024

export interface Percentiles {
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly max: number
}

export interface PoolStats {
  readonly workers: number
  /** Workers holding at least one task. */
  readonly busy: number
  /** Tasks not yet sent to a worker. */
  readonly queued: number
  /** Tasks sent to workers and not yet answered (running or about to). */
  readonly inFlight: number
  readonly completed: number
  readonly failed: number
  readonly cancelled: number
  /** Workers that did not exit after terminate() and were abandoned. */
  readonly stuckWorkers: number
  /** Milliseconds a task ran in its worker (last 1024 tasks). */
  readonly runTime: Percentiles
  /** Milliseconds from submit() to the task's start, transport included (last 1024 tasks). */
  readonly waitTime: Percentiles
}

export class Samples {
  readonly #data = new Float64Array(SAMPLES)
  #count = 0

  add(ms: number): void {
    this.#data[this.#count++ & (SAMPLES - 1)] = ms
  }

  /** Percentiles (ms) over the last 1024 samples; zeros when there are none. */
  percentiles(): Percentiles {
    const n = Math.min(this.#count, SAMPLES)
    if (n === 0) return { p50: 0, p90: 0, p99: 0, max: 0 }
    const sorted = this.#data.slice(0, n).sort()
    const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))]!
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1]! }
  }
}
