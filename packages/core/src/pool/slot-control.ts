import { RING, RING_MASK } from "./pool-protocol.js"

// The shared words of one worker's task ring: two per slot (`seq & RING_MASK`), a claim word and
// a cancel word. Both sides hold a SlotControl over the same memory; this is the only code that
// knows the layout. The claim arbitrates who moves a task first:
//
//   QUEUED ──worker: claim──▶ STARTED ──worker: finish──▶ DONE ──pool: answered──▶ QUEUED
//      └──────pool: withdraw──▶ WITHDRAWN ──pool: answered (the worker skipped it)──▶ QUEUED
//
// When a worker dies, STARTED names the one task that was running; DONE a task that finished
// but whose result had not been sent.

const WORDS_PER_SLOT = 2
const QUEUED = 0
const STARTED = 1
const WITHDRAWN = 2
const DONE = 3

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

  /** The worker is running `seq` now. */
  running(seq: number): boolean {
    return Atomics.load(this.words, claimIndex(seq)) === STARTED
  }

  /** The worker has started `seq` (it may have finished; its result may still be on the way). */
  started(seq: number): boolean {
    const claim = Atomics.load(this.words, claimIndex(seq))
    return claim === STARTED || claim === DONE
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

  /** `seq` has returned; its result is held until the next flush. */
  finish(seq: number): void {
    Atomics.store(this.words, claimIndex(seq), DONE)
  }

  /** The one-word view of `seq`'s cancel word, as a thread's cancel flag. */
  cancelFlag(seq: number): Int32Array {
    return new Int32Array(this.words.buffer, (claimIndex(seq) + 1) * 4, 1)
  }
}

function claimIndex(seq: number): number {
  return (seq & RING_MASK) * WORDS_PER_SLOT
}
