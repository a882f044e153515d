// Which threads have died, visible from every thread: a shared bitmap indexed by ident. A lock
// whose owner is marked here was abandoned (its thread exited, crashed or was terminated while
// holding it), so the next acquirer may take it over instead of waiting forever.

const BITS = 1 << 20
let table: Int32Array | undefined

/** The process-wide table, created on first use where shared memory exists. */
export function sharedLiveness(sharedMemory: boolean): Int32Array | undefined {
  if (table === undefined && sharedMemory && typeof SharedArrayBuffer !== "undefined") {
    table = new Int32Array(new SharedArrayBuffer(BITS / 8))
  }
  return table
}

/** Inside a worker: adopts the table its parent shares. */
export function adoptLiveness(shared: Int32Array | undefined): void {
  if (shared !== undefined) table = shared
}

/** Marks a thread (by ident) as gone. Called by whoever saw its worker exit. */
export function threadDied(ident: number | null): void {
  if (table === undefined || ident === null || ident <= 0) return
  const bit = ident % BITS
  Atomics.or(table, bit >> 5, 1 << (bit & 31))
}

/** True once the thread with this ident has been seen to exit. */
export function isThreadDead(ident: number): boolean {
  if (table === undefined || ident <= 0) return false
  const bit = ident % BITS
  return (Atomics.load(table, bit >> 5) & (1 << (bit & 31))) !== 0
}
