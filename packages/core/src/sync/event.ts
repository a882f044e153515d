// Event: Python's threading.Event. FLAG is the state; GEN counts set() calls, and a waiter
// parks on GEN, so one woken by set() returns true even if clear() follows at once.
import { markSharedInUse, type SharedRecord, toShared } from "../shared-record.js"
import { ATTACH } from "./attach.js"
import { assertCanBlock, blockWhile, checkSignal, deadlineOf, sharedWords, waitWhile, type WaitOptions } from "./parking.js"

export const EVENT_TAG = "weft:Event"
const FLAG = 0
const GEN = 1

/** A flag threads can wait on (Python's `threading.Event`). */
export class Event {
  readonly #v: Int32Array

  constructor()
  constructor(token?: typeof ATTACH, shared?: Int32Array) {
    this.#v = token === ATTACH && shared !== undefined ? shared : sharedWords(2, "Event")
    markSharedInUse()
  }

  /** Whether the flag is set. */
  isSet(): boolean {
    return Atomics.load(this.#v, FLAG) === 1
  }

  /** Sets the flag and wakes every waiter. */
  set(): void {
    Atomics.store(this.#v, FLAG, 1)
    Atomics.add(this.#v, GEN, 1)
    Atomics.notify(this.#v, GEN)
  }

  /** Resets the flag; later waits block until `set()`. */
  clear(): void {
    Atomics.store(this.#v, FLAG, 0)
  }

  /** Blocks until the flag is set; true, or false when `timeout` passes first. */
  waitSync(options?: WaitOptions): boolean {
    assertCanBlock("Event.waitSync()", "await event.wait()")
    if (options?.signal !== undefined) checkSignal(options.signal)
    // GEN before FLAG: a set() (and clear()) landing between the two reads still shows in GEN.
    const gen = Atomics.load(this.#v, GEN)
    if (this.isSet()) return true
    const deadline = deadlineOf(options?.timeout)
    for (;;) {
      if (this.isSet() || Atomics.load(this.#v, GEN) !== gen) return true
      if (blockWhile(this.#v, GEN, gen, deadline, options?.signal) === "timed-out")
        return this.isSet() || Atomics.load(this.#v, GEN) !== gen
    }
  }

  /** Resolves `true` once the flag is set, or `false` on timeout. */
  async wait(options?: WaitOptions): Promise<boolean> {
    if (options?.signal !== undefined) checkSignal(options.signal)
    // GEN before FLAG: a set() (and clear()) landing between the two reads still shows in GEN.
    const gen = Atomics.load(this.#v, GEN)
    if (this.isSet()) return true
    const deadline = deadlineOf(options?.timeout)
    for (;;) {
      if (this.isSet() || Atomics.load(this.#v, GEN) !== gen) return true
      if ((await waitWhile(this.#v, GEN, gen, deadline, options?.signal)) === "timed-out")
        return this.isSet() || Atomics.load(this.#v, GEN) !== gen
    }
  }

  /** Describes the event for sending to another thread, which then shares it. */
  [toShared](): SharedRecord {
    return { tag: EVENT_TAG, data: this.#v }
  }
}
