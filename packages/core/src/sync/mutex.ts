// The futex mutex under Lock, RLock, Barrier and Queue: one shared word at `base`, 0 when free,
// else (owner << 2) | ABANDONED | PARKED, where owner = ident + 1 of the holder, PARKED says
// someone may sleep on the word (Drepper's "futexes are tricky", with the owner folded in) and
// ABANDONED that the current holding was taken over from a thread that failed holding it. So
// acquire and release are one atomic each, and a release clears everything at once.
// Parked waiters wake in slices to look at the owner, since a dying thread notifies nobody.
import { hasThreadEnded, type AbandonedWhen } from "../liveness.js"
import { callingIdent, knownIdent } from "../thread-context.js"
import { blockWhile, checkSignal, remaining, waitWhile } from "./parking.js"

export const STATE = 0
export const MUTEX_WORDS = 1
const PARKED = 1
const ABANDONED = 2
const OWNER_SHIFT = 2

/** How often a parked acquirer looks whether the holder died. */
const OWNER_CHECK_MS = 50

/**
 * Owner ids keep the low 28 bits of an ident, so a state word stays positive however many
 * workers a long-lived process has started (the liveness table keys on the low 20 bits anyway).
 */
const IDENT_MASK = (1 << 28) - 1

/** This thread's owner id: its ident + 1, so that 0 means "nobody". */
export function ownerId(): number {
  return (callingIdent() & IDENT_MASK) + 1
}

/** The owner id held in a state word (0 when free). */
export function ownerOf(v: Int32Array, base: number): number {
  return Atomics.load(v, base + STATE) >>> OWNER_SHIFT
}

/** Whether the current holding was taken over from a failed holder (false once released). */
export function isAbandoned(v: Int32Array, base: number): boolean {
  return (Atomics.load(v, base + STATE) & ABANDONED) !== 0
}

/** One uncontended attempt. */
export function tryLock(v: Int32Array, base: number, me: number): boolean {
  return Atomics.compareExchange(v, base + STATE, 0, me << OWNER_SHIFT) === 0
}

/** One uncontended attempt by the calling thread, in a single call (Lock's hot path; see `knownIdent`). */
export function tryLockAsCaller(v: Int32Array, base: number): boolean {
  return Atomics.compareExchange(v, base + STATE, 0, (((knownIdent ?? callingIdent()) & IDENT_MASK) + 1) << OWNER_SHIFT) === 0
}

/** One attempt that also takes over an abandoned holding (tryAcquire). */
export function tryLockOrTakeOver(v: Int32Array, base: number, me: number, when: AbandonedWhen): boolean {
  if (tryLock(v, base, me)) return true
  const c = Atomics.load(v, base + STATE)
  return c !== 0 && takeOverFromDead(v, base, me, c, when)
}

/** Takes the mutex over when its holder (in state `c`) abandoned it; true when this thread now holds it. */
function takeOverFromDead(v: Int32Array, base: number, me: number, c: number, when: AbandonedWhen): boolean {
  const owner = c >>> OWNER_SHIFT
  if (owner <= 1 || !hasThreadEnded(owner - 1, when)) return false
  return Atomics.compareExchange(v, base + STATE, c, (me << OWNER_SHIFT) | ABANDONED | PARKED) === c
}

/**
 * How many times an acquire of an internal mutex (Queue, Barrier) looks at it before parking:
 * their critical sections are a few hundred ns, far shorter than a park and wake-up (~20 µs).
 * A user's Lock or RLock parks at once: its critical section is unknown, and a spinner that takes
 * the lock between two acquires of a busy holder makes the lock bounce between cores (a contended
 * counter ran at 0.72-0.85x a bare futex mutex with a 100-look spin, 1.04-1.10x without).
 */
const INTERNAL_SPIN = 100

/** `contend` results besides a state word to park on (state words are never negative). */
const TAKEN = -1
const RETRY = -2

/** One step of a contended acquire: TAKEN, RETRY, or the state word to park on. Allocation-free: it runs per contended acquire. */
function contend(v: Int32Array, base: number, me: number, when: AbandonedWhen): number {
  const c = Atomics.load(v, base + STATE)
  // Having contended, take it with the parked bit set: someone else may still sleep on the word.
  if (c === 0) return Atomics.compareExchange(v, base + STATE, 0, (me << OWNER_SHIFT) | PARKED) === 0 ? TAKEN : RETRY
  if (takeOverFromDead(v, base, me, c, when)) return TAKEN
  if ((c & PARKED) === 0 && Atomics.compareExchange(v, base + STATE, c, c | PARKED) !== c) return RETRY
  return c | PARKED
}

/** Blocking acquire; false on timeout. The caller has tried the fast path already. */
export function lockSync(
  v: Int32Array,
  base: number,
  me: number,
  deadline: number,
  signal: AbortSignal | undefined,
  when: AbandonedWhen = "ended",
  spins = 0,
): boolean {
  checkSignal(signal)
  for (let spin = 0; spin < spins; spin++) {
    if (Atomics.load(v, base + STATE) === 0 && Atomics.compareExchange(v, base + STATE, 0, me << OWNER_SHIFT) === 0) return true
  }
  for (;;) {
    const step = contend(v, base, me, when)
    if (step === RETRY) continue
    if (step === TAKEN) return true
    if (blockWhile(v, base + STATE, step, deadline, signal, OWNER_CHECK_MS) === "timed-out")
      return Atomics.compareExchange(v, base + STATE, 0, (me << OWNER_SHIFT) | PARKED) === 0
  }
}

/** Async acquire; resolves false on timeout. */
export async function lockAsync(
  v: Int32Array,
  base: number,
  me: number,
  deadline: number,
  signal: AbortSignal | undefined,
  when: AbandonedWhen = "ended",
): Promise<boolean> {
  checkSignal(signal)
  for (;;) {
    const step = contend(v, base, me, when)
    if (step === RETRY) continue
    if (step === TAKEN) return true
    const woke = await waitWhile(v, base + STATE, step, deadline, signal, OWNER_CHECK_MS)
    if (woke === "timed-out" && remaining(deadline) === 0)
      return Atomics.compareExchange(v, base + STATE, 0, (me << OWNER_SHIFT) | PARKED) === 0
  }
}

/** Releases; false when it was not held. Wakes one parked acquirer when there may be one. */
export function unlock(v: Int32Array, base: number): boolean {
  const previous = Atomics.exchange(v, base + STATE, 0)
  if ((previous & PARKED) !== 0) Atomics.notify(v, base + STATE, 1)
  return previous !== 0
}

/** Internal short critical sections (Barrier, Queue): acquire without a deadline or signal. */
export function enterSync(v: Int32Array, base: number): void {
  const me = ownerId()
  if (!tryLock(v, base, me)) lockSync(v, base, me, Infinity, undefined, "ended", INTERNAL_SPIN)
}

export async function enterAsync(v: Int32Array, base: number): Promise<void> {
  const me = ownerId()
  if (!tryLock(v, base, me)) await lockAsync(v, base, me, Infinity, undefined)
}
