// Targets for the "Python semantics" cases. Imported again inside every worker that runs one.
import { BrokenThreadPool, currentThread, mainThread, threadable } from "@weft/core"

/** What a thread (or a pool task) sees of the main thread. */
export const seeMainThread = threadable(import.meta.url, function seeMainThread() {
  const main = mainThread()
  const me = currentThread()
  return { name: main.name, ident: main.ident, alive: main.isAlive(), daemon: main.daemon, isCurrent: main === me, myIdent: me.ident }
})

/** n * 10, or a RangeError naming n when n is negative: a map function that fails on chosen items. */
export const tenfoldOrFail = threadable(import.meta.url, function tenfoldOrFail(n: number): number {
  if (n < 0) throw new RangeError(`negative item ${n}`)
  return n * 10
})

export interface GatedItem {
  readonly flags: Int32Array
  readonly n: number
  readonly block: boolean
}

/**
 * Counts its run in `flags[1]`; a blocking item raises `flags[2]` and waits until `flags[0]` is 1
 * (the gate). Returns n.
 */
export const gatedItem = threadable(import.meta.url, function gatedItem(item: GatedItem): number {
  const { flags, n, block } = item
  Atomics.add(flags, 1, 1)
  if (block) {
    Atomics.store(flags, 2, 1)
    Atomics.notify(flags, 2)
    while (Atomics.load(flags, 0) !== 1) Atomics.wait(flags, 0, 0, 100)
  }
  return n
})

/** Reason kinds written to `flags[4]` by `spinThenCheckSignal`. */
export const REASON_ORIGINAL = 1
export const REASON_CANCELLED_ERROR = 2
export const REASON_OTHER = 3

/**
 * Spins until `currentThread().cancelled`, raising `flags[0]` from inside the loop. Then, without
 * yielding, records what the signal says: `flags[2]` aborted (1 yes, 2 no), `flags[3]`
 * throwIfAborted() threw (1 yes, 2 no), `flags[4]` the reason's kind (`expected` is the reason the
 * caller gave), and raises `flags[5]` last. Returns the same as an object.
 */
export const spinThenCheckSignal = threadable(import.meta.url, function spinThenCheckSignal(flags: Int32Array, expected: string) {
  let spins = 0
  while (!currentThread().cancelled) {
    if (++spins === 1000) {
      Atomics.store(flags, 0, 1)
      Atomics.notify(flags, 0)
    }
  }
  const { signal } = currentThread()
  let threw: unknown
  try {
    signal.throwIfAborted()
  } catch (error) {
    threw = error
  }
  const reason = signal.reason as unknown
  const kind =
    reason === expected
      ? REASON_ORIGINAL
      : (reason as { name?: unknown } | undefined)?.name === "CancelledError"
        ? REASON_CANCELLED_ERROR
        : REASON_OTHER
  Atomics.store(flags, 2, signal.aborted ? 1 : 2)
  Atomics.store(flags, 3, threw !== undefined && threw === reason ? 1 : 2)
  Atomics.store(flags, 4, kind)
  Atomics.store(flags, 5, 1)
  Atomics.notify(flags, 5)
  return { aborted: signal.aborted, threwReason: threw !== undefined && threw === reason, kind }
})

/** Throws the library's BrokenThreadPool (with a cause) from inside a thread. */
export const throwBrokenPool = threadable(import.meta.url, function throwBrokenPool(): never {
  throw new BrokenThreadPool("broken inside a thread", { cause: new TypeError("root") })
})
