/** How long a cancellation waits for its job to reach the server's main thread (ms). */
const KEEP_MS = 60_000

/**
 * Cancellations that reached a server before their job did. A caller cancels a job once it has
 * seen it start (BullMQ's "active" event, sent as the queue thread takes the job), and that can
 * come before the queue thread has passed the job on to the main thread, which runs it: such a
 * cancellation is kept here until its job arrives. Every server hears every cancellation of its
 * queue, most of them for jobs other servers run: each is forgotten after KEEP_MS.
 */
export class EarlyCancels {
  readonly #reasons = new Map<string, { readonly reason: unknown; readonly at: number }>()
  readonly #keepMs: number

  constructor(keepMs = KEEP_MS) {
    this.#keepMs = keepMs
  }

  /** A cancellation for a job this server is not running (yet). */
  add(jobId: string, reason: unknown, now = Date.now()): void {
    this.#reasons.delete(jobId) // re-added at the end: the map stays in arrival order
    this.#reasons.set(jobId, { reason, at: now })
    for (const [id, entry] of this.#reasons) {
      if (now - entry.at < this.#keepMs) break
      this.#reasons.delete(id)
    }
  }

  /** The job has arrived: its cancellation, if one came first (then forgotten). */
  take(jobId: string): { readonly reason: unknown } | undefined {
    const entry = this.#reasons.get(jobId)
    if (entry === undefined) return undefined
    this.#reasons.delete(jobId)
    return { reason: entry.reason }
  }

  get size(): number {
    return this.#reasons.size
  }
}
