// The futex mutex under Lock, RLock, Barrier and Queue: three shared words at `base`.
//   STATE  0 free, 1 held, 2 held and someone may be parked (Drepper's "futexes are tricky")
//   OWNER  ident + 1 of the thread that took it (0 = nobody); lets a waiter see a dead owner
//   ABANDONED  1 while the current holding was taken over from a thread that died holding it
// Parked waiters wake in slices to look at the owner, since a dying thread notifies nobody.
import { isThreadDead } from "../liveness.js"
import { currentThread } from "../thread.js"
import { blockWhile, checkSignal, remaining, waitWhile } from "./wait.js"

export const STATE = 0
export const OWNER = 1
export const ABANDONED = 2
export const MUTEX_WORDS = 3

/** How often a parked acquirer looks whether the holder died. */
const OWNER_CHECK_MS = 50

/** This thread's owner id: its ident + 1, so that 0 means "nobody". */
export function ownerId(): number {
  return (currentThread().ident ?? 0) + 1
}

/** One uncontended attempt. */
export function tryLock(v: Int32Array, base: number, me: number): boolean {
  if (Atomics.compareExchange(v, base + STATE, 0, 1) !== 0) return false
  Atomics.store(v, base + OWNER, me)
  return true
}

/** Takes the mutex over when its holder is dead; true when this thread now holds it (abandoned). */
function takeOverFromDead(v: Int32Array, base: number, me: number): boolean {
  const owner = Atomics.load(v, base + OWNER)
  if (owner <= 1 || !isThreadDead(owner - 1)) return false
  if (Atomics.compareExchange(v, base + OWNER, owner, me) !== owner) return false
  Atomics.store(v, base + ABANDONED, 1)
  // Keep STATE at 2 so our release wakes whoever parked meanwhile.
  Atomics.store(v, base + STATE, 2)
  return true
}

/** Blocking acquire; false on timeout. The caller has tried the fast path already. */
export function lockSync(v: Int32Array, base: number, me: number, deadline: number, signal: AbortSignal | undefined): boolean {
  checkSignal(signal)
  let c = Atomics.compareExchange(v, base + STATE, 0, 1)
  if (c === 0) return (Atomics.store(v, base + OWNER, me), true)
  if (c !== 2) c = Atomics.exchange(v, base + STATE, 2)
  while (c !== 0) {
    if (takeOverFromDead(v, base, me)) return true
    if (blockWhile(v, base + STATE, 2, deadline, signal, OWNER_CHECK_MS) === "timed-out") {
      if (Atomics.compareExchange(v, base + STATE, 0, 2) === 0) break
      return false
    }
    c = Atomics.exchange(v, base + STATE, 2)
  }
  Atomics.store(v, base + OWNER, me)
  return true
}

/** Async acquire; resolves false on timeout. */
export async function lockAsync(v: Int32Array, base: number, me: number, deadline: number, signal: AbortSignal | undefined): Promise<boolean> {
  checkSignal(signal)
  let c = Atomics.compareExchange(v, base + STATE, 0, 1)
  if (c === 0) return (Atomics.store(v, base + OWNER, me), true)
  if (c !== 2) c = Atomics.exchange(v, base + STATE, 2)
  while (c !== 0) {
    if (takeOverFromDead(v, base, me)) return true
    if ((await waitWhile(v, base + STATE, 2, deadline, signal, OWNER_CHECK_MS)) === "timed-out" && remaining(deadline) === 0) {
      if (Atomics.compareExchange(v, base + STATE, 0, 2) === 0) break
      return false
    }
    c = Atomics.exchange(v, base + STATE, 2)
  }
  Atomics.store(v, base + OWNER, me)
  return true
}

/** Releases; false when it was not held. Wakes one parked acquirer when there may be one. */
export function unlock(v: Int32Array, base: number): boolean {
  if (Atomics.load(v, base + STATE) === 0) return false
  Atomics.store(v, base + OWNER, 0)
  Atomics.store(v, base + ABANDONED, 0)
  const previous = Atomics.exchange(v, base + STATE, 0)
  if (previous === 2) Atomics.notify(v, base + STATE, 1)
  return previous !== 0
}

/** Internal short critical sections (Barrier, Queue): acquire without a deadline or signal. */
export function enterSync(v: Int32Array, base: number): void {
  const me = ownerId()
  if (!tryLock(v, base, me)) lockSync(v, base, me, Infinity, undefined)
}

export async function enterAsync(v: Int32Array, base: number): Promise<void> {
  const me = ownerId()
  if (!tryLock(v, base, me)) await lockAsync(v, base, me, Infinity, undefined)
}
