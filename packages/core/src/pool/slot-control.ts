import { RING, RING_MASK } from "./pool-protocol.js"

// The shared words of one worker's task ring: two per slot (`seq & RING_MASK`), a claim word and
// a cancel word. Both sides hold a SlotControl over the same memory; this is the only code that
// knows the layout. The claim arbitrates who moves a task first:
//
//   QUEUED ──worker: claim──▶ STARTED ──worker: finish──▶ DONE ──pool: answered──▶ QUEUED
//      │                        └──pool: kill──▶ KILLING (the worker stops before its next task)
//      └──────pool: withdraw──▶ WITHDRAWN ──pool: answered (the worker skipped it)──▶ QUEUED
//
// When a worker dies, STARTED (or KILLING) names the one task that was running; DONE a task that
// finished but whose result had not been sent. Each move is a compare-and-swap, so the pool's
// grace kill and the worker's finish cannot both win: a kill never lands on the next task.

const WORDS_PER_SLOT = 2
const QUEUED = 0
const STARTED = 1
const WITHDRAWN = 2
const DONE = 3
const KILLING = 4

/** The cancelled-job id the pool writes for task `seq`: never 0, so a fresh slot reads "not cancelled". */
export function jobIdOf(seq: number): number {
  return (seq & 0x3fffffff) + 1
}

export class SlotControl {
  /** The shared words; sent to the worker in its init message. */
  readonly words: Int32Array

  constructor(words: Int32Array = new Int32Array(new SharedArrayBuffer(RING * WORDS_PER_SLOT * 4))) {
    this.words = words
  }

  // --- the pool's side ---

  /** Takes task `seq` back if the worker has not claimed it; true on success. */
  withdraw(seq: number): boolean {
    return Atomics.compareExchange(this.words, claimIndex(seq), QUEUED, WITHDRAWN) === QUEUED
  }

  /** The pool has the worker's answer for `seq`: the slot is free for a later task. */
  answered(seq: number): void {
    Atomics.store(this.words, claimIndex(seq), QUEUED)
  }

  /** The worker is running `seq` now (or was, until the pool decided to kill it). */
  running(seq: number): boolean {
    const claim = Atomics.load(this.words, claimIndex(seq))
    return claim === STARTED || claim === KILLING
  }

  /** The grace kill: true when `seq` is still running, and then the worker will run nothing after it. */
  kill(seq: number): boolean {
    return Atomics.compareExchange(this.words, claimIndex(seq), STARTED, KILLING) === STARTED
  }

  /** The worker has started `seq` (it may have finished; its result may still be on the way). */
  started(seq: number): boolean {
    const claim = Atomics.load(this.words, claimIndex(seq))
    return claim === STARTED || claim === DONE || claim === KILLING
  }

  /** Marks `seq` cancelled where a CPU loop polling `currentThread().cancelled` sees it, and wakes a blocking wait. */
  cancel(seq: number): void {
    const index = claimIndex(seq) + 1
    Atomics.store(this.words, index, jobIdOf(seq))
    Atomics.notify(this.words, index)
  }

  // --- the worker's side ---

  /** Claims `seq` before running it; false when the pool took it back. */
  claim(seq: number): boolean {
    return Atomics.compareExchange(this.words, claimIndex(seq), QUEUED, STARTED) === QUEUED
  }

  /** `seq` has returned; its result is held until the next flush. False when the pool is killing this worker for it. */
  finish(seq: number): boolean {
    return Atomics.compareExchange(this.words, claimIndex(seq), STARTED, DONE) === STARTED
  }

  /** The one-word view of `seq`'s cancel word, as a thread's cancel flag. */
  cancelFlag(seq: number): Int32Array {
    return new Int32Array(this.words.buffer, (claimIndex(seq) + 1) * 4, 1)
  }
}

function claimIndex(seq: number): number {
  return (seq & RING_MASK) * WORDS_PER_SLOT
}
