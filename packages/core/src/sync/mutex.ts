// The futex mutex under Lock, RLock, Barrier and Queue: two shared words at `base`.
//   STATE  0 when free; else (owner << 1) | parked, where owner = ident + 1 of the holder and
//          `parked` says someone may sleep on the word (Drepper's "futexes are tricky", with the
//          owner folded in so acquire and release stay one atomic each)
//   ABANDONED  1 while the current holding was taken over from a thread that died holding it
// Parked waiters wake in slices to look at the owner, since a dying thread notifies nobody.
import { hasThreadEnded, type AbandonedWhen } from "../liveness.js"
import { currentThread } from "../thread.js"
import { blockWhile, checkSignal, remaining, waitWhile } from "./wait.js"

export const STATE = 0
export const ABANDONED = 1
export const MUTEX_WORDS = 2

/** How often a parked acquirer looks whether the holder died. */
const OWNER_CHECK_MS = 50

/** This thread's owner id: its ident + 1, so that 0 means "nobody". */
export function ownerId(): number {
  return (currentThread().ident ?? 0) + 1
}

/** The owner id held in a state word (0 when free). */
export function ownerOf(v: Int32Array, base: number): number {
  return Atomics.load(v, base + STATE) >>> 1
}

/** One uncontended attempt. */
export function tryLock(v: Int32Array, base: number, me: number): boolean {
  return Atomics.compareExchange(v, base + STATE, 0, me << 1) === 0
}

/** One attempt that also takes over an abandoned holding (tryAcquire). */
export function tryLockOrTakeOver(v: Int32Array, base: number, me: number, when: AbandonedWhen): boolean {
  if (tryLock(v, base, me)) return true
  const c = Atomics.load(v, base + STATE)
  return c !== 0 && takeOverFromDead(v, base, me, c, when)
}

/** Takes the mutex over when its holder (in state `c`) abandoned it; true when this thread now holds it. */
function takeOverFromDead(v: Int32Array, base: number, me: number, c: number, when: AbandonedWhen): boolean {
  const owner = c >>> 1
  if (owner <= 1 || !hasThreadEnded(owner - 1, when)) return false
  if (Atomics.compareExchange(v, base + STATE, c, (me << 1) | 1) !== c) return false
  Atomics.store(v, base + ABANDONED, 1)
  return true
}

/** How many times a blocking acquire looks at a held mutex before it parks. */
const SPIN_LIMIT = 100

/** `contend` results besides a state word to park on (state words are never negative). */
const TAKEN = -1
const RETRY = -2

/** One step of a contended acquire: TAKEN, RETRY, or the state word to park on. Allocation-free: it runs per contended acquire. */
function contend(v: Int32Array, base: number, me: number, when: AbandonedWhen): number {
  const c = Atomics.load(v, base + STATE)
  // Having contended, take it with the parked bit set: someone else may still sleep on the word.
  if (c === 0) return Atomics.compareExchange(v, base + STATE, 0, (me << 1) | 1) === 0 ? TAKEN : RETRY
  if (takeOverFromDead(v, base, me, c, when)) return TAKEN
  if ((c & 1) === 0 && Atomics.compareExchange(v, base + STATE, c, c | 1) !== c) return RETRY
  return c | 1
}

/** Blocking acquire; false on timeout. The caller has tried the fast path already. */
export function lockSync(v: Int32Array, base: number, me: number, deadline: number, signal: AbortSignal | undefined, when: AbandonedWhen = "ended"): boolean {
  checkSignal(signal)
  // A short spin first: critical sections are often shorter than a park and wake-up (~10-50 µs).
  for (let spin = 0; spin < SPIN_LIMIT; spin++) {
    if (Atomics.load(v, base + STATE) === 0 && Atomics.compareExchange(v, base + STATE, 0, me << 1) === 0) return true
  }
  for (;;) {
    const step = contend(v, base, me, when)
    if (step === RETRY) continue
    if (step === TAKEN) return true
    if (blockWhile(v, base + STATE, step, deadline, signal, OWNER_CHECK_MS) === "timed-out") return Atomics.compareExchange(v, base + STATE, 0, (me << 1) | 1) === 0
  }
}

/** Async acquire; resolves false on timeout. */
export async function lockAsync(v: Int32Array, base: number, me: number, deadline: number, signal: AbortSignal | undefined, when: AbandonedWhen = "ended"): Promise<boolean> {
  checkSignal(signal)
  for (;;) {
    const step = contend(v, base, me, when)
    if (step === RETRY) continue
    if (step === TAKEN) return true
    const woke = await waitWhile(v, base + STATE, step, deadline, signal, OWNER_CHECK_MS)
    if (woke === "timed-out" && remaining(deadline) === 0) return Atomics.compareExchange(v, base + STATE, 0, (me << 1) | 1) === 0
  }
}

/** Releases; false when it was not held. Wakes one parked acquirer when there may be one. */
export function unlock(v: Int32Array, base: number): boolean {
  if (Atomics.load(v, base + ABANDONED) !== 0) Atomics.store(v, base + ABANDONED, 0)
  const previous = Atomics.exchange(v, base + STATE, 0)
  if ((previous & 1) !== 0) Atomics.notify(v, base + STATE, 1)
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
