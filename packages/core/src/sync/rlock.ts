// RLock: Python's threading.RLock. Owned by a thread (not by an async task: two async
// functions on one event loop both "own" it), reentrant, released only by its owner. The
// recursion count lives in shared memory too, so every handle in the owning thread agrees.
import { RuntimeError } from "../errors.js"
import { markSharedInUse, type SharedRecord, toShared } from "../shared-record.js"
import { ACQUIRE_RESTORE, ACQUIRE_RESTORE_SYNC, ATTACH, RELEASE_SAVE } from "./attach.js"
import { held, holdTimedOut, type Held } from "./hold.js"
import { isAbandoned, lockAsync, lockSync, MUTEX_WORDS, ownerId, ownerOf, STATE, tryLock, tryLockOrTakeOver, unlock } from "./mutex.js"
import { assertCanBlock, checkSignal, deadlineOf, type WaitOptions, sharedWords } from "./parking.js"

export const RLOCK_TAG = "weft:RLock"
const COUNT = MUTEX_WORDS

/** What Condition saves when it releases an RLock completely around a wait. */
export interface RLockSaved {
  readonly count: number
}

export class RLock {
  readonly #v: Int32Array

  constructor()
  constructor(token?: typeof ATTACH, shared?: Int32Array) {
    this.#v = token === ATTACH && shared !== undefined ? shared : sharedWords(MUTEX_WORDS + 1, "RLock")
    markSharedInUse()
  }

  #reenter(me: number): boolean {
    if (ownerOf(this.#v, 0) !== me) return false
    Atomics.add(this.#v, COUNT, 1)
    return true
  }

  #took(): true {
    Atomics.store(this.#v, COUNT, 1)
    return true
  }

  acquire(options?: WaitOptions): Promise<boolean> {
    try {
      if (options?.signal !== undefined) checkSignal(options.signal)
      const me = ownerId()
      if (this.#reenter(me)) return Promise.resolve(true)
      if (tryLock(this.#v, 0, me)) return Promise.resolve(this.#took())
      return lockAsync(this.#v, 0, me, deadlineOf(options?.timeout), options?.signal).then((ok) => ok && this.#took())
    } catch (error) {
      return Promise.reject(error)
    }
  }

  acquireSync(options?: WaitOptions): boolean {
    assertCanBlock("RLock.acquireSync()", "await rlock.acquire()")
    if (options?.signal !== undefined) checkSignal(options.signal)
    const me = ownerId()
    if (this.#reenter(me)) return true
    if (tryLock(this.#v, 0, me)) return this.#took()
    return lockSync(this.#v, 0, me, deadlineOf(options?.timeout), options?.signal) && this.#took()
  }

  tryAcquire(): boolean {
    const me = ownerId()
    if (this.#reenter(me)) return true
    return tryLockOrTakeOver(this.#v, 0, me, "ended") && this.#took()
  }

  /** Releases one level; the last one frees the lock. Only the owning thread may: others get `RuntimeError`. */
  release(): void {
    if (!this.isOwned()) throw new RuntimeError("cannot release un-acquired lock")
    const left = Atomics.sub(this.#v, COUNT, 1) - 1
    if (left === 0) unlock(this.#v, 0)
  }

  locked(): boolean {
    return Atomics.load(this.#v, STATE) !== 0
  }

  /** True while the current holding was taken over from a thread that died holding it. */
  get abandoned(): boolean {
    return isAbandoned(this.#v, 0)
  }

  /** Whether the calling thread holds it (Python's `_is_owned`). */
  isOwned(): boolean {
    return ownerOf(this.#v, 0) === ownerId()
  }

  async hold(options?: WaitOptions): Promise<Held> {
    if (!(await this.acquire(options))) throw holdTimedOut("RLock", options?.timeout)
    return held(this.abandoned, () => this.release())
  }

  holdSync(options?: WaitOptions): Held {
    assertCanBlock("RLock.holdSync()", "await rlock.hold()")
    if (!this.acquireSync(options)) throw holdTimedOut("RLock", options?.timeout)
    return held(this.abandoned, () => this.release())
  }

  [toShared](): SharedRecord {
    return { tag: RLOCK_TAG, data: this.#v }
  }

  /** Condition: releases every level at once. */
  [RELEASE_SAVE](): RLockSaved {
    if (!this.isOwned()) throw new RuntimeError("cannot release un-acquired lock")
    const count = Atomics.exchange(this.#v, COUNT, 0)
    unlock(this.#v, 0)
    return { count }
  }

  /** Condition: takes the lock back with the saved depth. */
  [ACQUIRE_RESTORE_SYNC](saved: RLockSaved): void {
    const me = ownerId()
    if (!tryLock(this.#v, 0, me)) lockSync(this.#v, 0, me, Infinity, undefined)
    Atomics.store(this.#v, COUNT, saved.count)
  }

  async [ACQUIRE_RESTORE](saved: RLockSaved): Promise<void> {
    const me = ownerId()
    if (!tryLock(this.#v, 0, me)) await lockAsync(this.#v, 0, me, Infinity, undefined)
    Atomics.store(this.#v, COUNT, saved.count)
  }
}
