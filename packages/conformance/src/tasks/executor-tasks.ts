// Targets for the executor cases, which run against a ThreadPool and a ClusterPool alike. Their
// arguments are plain data (nothing shared crosses to another machine), except a gate's handle.
import { threadable } from "@weft/core"

/**
 * A gate a task waits at until the test opens it: shared flags in a ThreadPool, or a handle
 * that names a module exporting `waitGate(handle)` (e.g. one waiting on Redis) for other executors.
 */
export type GateHandle = Int32Array | { readonly module: string; readonly [key: string]: unknown }

/** Waits at `gate`, then returns `value`. */
export const awaitGate = threadable(import.meta.url, async function awaitGate<T>(gate: GateHandle, value: T): Promise<T> {
  if (gate instanceof Int32Array) {
    while (Atomics.load(gate, 0) !== 1) Atomics.wait(gate, 0, 0, 100)
  } else {
    const waiter = (await import(gate.module)) as { waitGate(handle: unknown): Promise<void> }
    await waiter.waitGate(gate)
  }
  return value
})

/** Doubles `n`; fails with a RangeError naming it when it is negative. */
export const doubleOrFail = threadable(import.meta.url, function doubleOrFail(n: number): number {
  if (n < 0) throw new RangeError(`negative: ${n}`)
  return 2 * n
})
