// Which threads have ended, and which of them failed, visible from every thread: two shared
// bitmaps indexed by ident. A lock whose owner is marked here was abandoned, so the next acquirer
// may take it over instead of waiting forever. An RLock is abandoned by any end of its owner (no
// one else may release it); a Lock only by a failure (exit, crash, terminate(), a target that
// threw), because a thread that returns holding a Lock may be handing it to another thread to
// release, as Python allows.

const BITS = 1 << 20
const WORDS = BITS / 32
let table: Int32Array | undefined

/** The process-wide table, created on first use where shared memory exists. */
export function sharedLiveness(sharedMemory: boolean): Int32Array | undefined {
  if (table === undefined && sharedMemory && typeof SharedArrayBuffer !== "undefined") {
    table = new Int32Array(new SharedArrayBuffer(2 * WORDS * 4))
  }
  return table
}

/** Inside a worker: adopts the table its parent shares. */
export function adoptLiveness(shared: Int32Array | undefined): void {
  if (shared !== undefined) table = shared
}

/** Marks a thread (by ident) as ended, and as failed when it did not finish normally. Called by whoever saw its worker exit. */
export function threadEnded(ident: number | null, failed: boolean): void {
  if (table === undefined || ident === null || ident <= 0) return
  const bit = ident % BITS
  Atomics.or(table, bit >> 5, 1 << (bit & 31))
  if (failed) Atomics.or(table, WORDS + (bit >> 5), 1 << (bit & 31))
}

/** How a lock decides that its holder abandoned it. */
export type AbandonedWhen = "ended" | "failed"

/** True once the thread with this ident has been seen to end (`"ended"`), or to fail (`"failed"`). */
export function hasThreadEnded(ident: number, when: AbandonedWhen): boolean {
  if (table === undefined || ident <= 0) return false
  const bit = ident % BITS
  const word = (when === "failed" ? WORDS : 0) + (bit >> 5)
  return (Atomics.load(table, word) & (1 << (bit & 31))) !== 0
}
