// Targets for the pool cases. This module is imported again inside every pool worker that runs one.
import { currentThread, threadable, type Barrier, type Event, type Lock } from "@weft/core"
import { CodedError } from "./thread-tasks.js"

export const square = threadable(import.meta.url, function square(n: number): number {
  return n * n
})

export const identity = threadable(import.meta.url, function identity<T>(value: T): T {
  return value
})

/** Returns `value` through an already settled promise: an async task that takes no time. */
export const resolvedIdentity = threadable(import.meta.url, function resolvedIdentity<T>(value: T): Promise<T> {
  return Promise.resolve(value)
})

export const slowSquare = threadable(import.meta.url, async function slowSquare(n: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 1))
  return n * n
})

export const failCoded = threadable(import.meta.url, function failCoded(message: string): never {
  throw new CodedError(message)
})

/** Blocks its worker: raises `flags[1]`, then waits until `flags[0]` is 1. Returns its thread's name. */
export const hold = threadable(import.meta.url, function hold(flags: Int32Array): string {
  Atomics.store(flags, 1, 1)
  Atomics.notify(flags, 1)
  while (Atomics.load(flags, 0) !== 1) Atomics.wait(flags, 0, 0, 100)
  return currentThread().name
})

/** Counts its runs in `flags[index]` (to prove a task never ran). */
export const mark = threadable(import.meta.url, function mark(flags: Int32Array, index: number): number {
  return Atomics.add(flags, index, 1) + 1
})

/** Spins until its own task is cancelled; raises `flags[0]` from inside the loop, `flags[2]` once stopped. */
export const spinUntilTaskCancelled = threadable(import.meta.url, function spinUntilTaskCancelled(flags: Int32Array): string {
  let spins = 0
  const me = currentThread()
  while (!me.cancelled) {
    if (++spins === 1000) {
      Atomics.store(flags, 0, 1)
      Atomics.notify(flags, 0)
    }
  }
  Atomics.store(flags, 2, 1)
  Atomics.notify(flags, 2)
  return "stopped"
})

/** Raises `flags[0]`, then spins forever, ignoring cancellation: only terminating its worker stops it. */
export const ignoreCancel = threadable(import.meta.url, function ignoreCancel(flags: Int32Array): never {
  Atomics.store(flags, 0, 1)
  Atomics.notify(flags, 0)
  for (;;) Atomics.add(flags, 1, 1)
})

/** Waits for its task's signal; records the reason's name in `flags[0]` (1 = TimeoutError, 2 = other). */
export const awaitTaskSignal = threadable(import.meta.url, function awaitTaskSignal(flags: Int32Array): Promise<string> {
  const { signal } = currentThread()
  return new Promise((resolve) => {
    signal.addEventListener(
      "abort",
      () => {
        const reason = signal.reason as { name?: string } | undefined
        Atomics.store(flags, 0, reason?.name === "TimeoutError" ? 1 : 2)
        Atomics.notify(flags, 0)
        resolve("aborted")
      },
      { once: true },
    )
  })
})

/** What a task sees of its thread. */
export const taskThread = threadable(import.meta.url, function taskThread() {
  const me = currentThread()
  return { name: me.name, ident: me.ident, cancelled: me.cancelled, aborted: me.signal.aborted, alive: me.isAlive() }
})

let initialized: unknown = "not initialized"

export const initWorker = threadable(import.meta.url, function initWorker(value: unknown): void {
  initialized = value
})

export const readInit = threadable(import.meta.url, function readInit(): unknown {
  return initialized
})

export const failInit = threadable(import.meta.url, function failInit(): never {
  throw new CodedError("initializer refused")
})

export class Tally {
  total = 0
  seen: number[] = []
  add(n: number): number {
    this.total += n
    this.seen.push(n)
    return this.total
  }
}
threadable(import.meta.url, Tally)

/** Takes the lock, raises `flags[0]`, then never settles and ignores its signal: only terminating its worker ends it. */
export const holdLockIgnoringCancel = threadable(
  import.meta.url,
  function holdLockIgnoringCancel(lock: Lock, flags: Int32Array): Promise<never> {
    lock.acquireSync()
    Atomics.store(flags, 0, 1)
    Atomics.notify(flags, 0)
    return new Promise<never>(() => {})
  },
)

/** Arrives last at a two-party barrier (after the caller), so the barrier's action runs in this pool worker. */
export const arriveLast = threadable(import.meta.url, function arriveLast(barrier: Barrier): number {
  while (barrier.nWaiting < 1) {
    // the caller is about to wait
  }
  return barrier.waitSync()
})

/** Blocks until the caller sets `event` (at most 10 s): whether it was set. */
export const awaitEventSet = threadable(import.meta.url, function awaitEventSet(event: Event): boolean {
  return event.waitSync({ timeout: 10_000 })
})

/** Writes through every kind of shared memory it was given, then reports whether each still is shared. */
export const writeShared = threadable(
  import.meta.url,
  function writeShared(
    holder: { words: Int32Array; byName: Map<string, DataView>; nested: { buffer: SharedArrayBuffer }[]; done: Event },
    moved: ArrayBuffer,
  ): { shared: boolean[]; moved: number } {
    Atomics.store(holder.words, 0, 7)
    holder.byName.get("view")!.setInt32(0, 9)
    new Int32Array(holder.nested[0]!.buffer)[0] = 11
    holder.done.set()
    const shared = [holder.words.buffer, holder.byName.get("view")!.buffer, holder.nested[0]!.buffer].map(
      (b) => b instanceof SharedArrayBuffer,
    )
    return { shared, moved: moved.byteLength }
  },
)
