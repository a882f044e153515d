// Thread idents where the runtime has no thread id of its own (web, Deno): a process-wide counter
// in shared memory, shared with every worker; without shared memory, unique per thread.
import { callingIdent } from "./thread-context.js"

let localIdent = 0
let identCounter: Int32Array | undefined

/** Inside a worker: installs the ident counter the parent shares, so nested threads stay unique. */
export function adoptIdentCounter(counter: Int32Array | undefined): void {
  if (counter !== undefined) identCounter = counter
}

export function sharedIdentCounter(sharedMemory: boolean): Int32Array | undefined {
  if (identCounter === undefined && sharedMemory) identCounter = new Int32Array(new SharedArrayBuffer(4))
  return identCounter
}

export function allocateIdent(): number {
  if (identCounter !== undefined) return Atomics.add(identCounter, 0, 1) + 1
  // No shared memory: unique within this thread, offset by this thread's own ident.
  const base = callingIdent()
  return base * 1_000_000 + ++localIdent
}
