import { describe, expect, test } from "vitest"
import { Lock } from "../src/sync/lock.js"
import { ownerOf } from "../src/sync/mutex.js"
import { toShared } from "../src/shared-record.js"
import { callingIdent } from "../src/thread-context.js"
import { enterLazyThread, getIdent } from "../src/thread-registry.js"

/** The words under a Lock, to read the owner its acquire recorded. */
function wordsOf(lock: Lock): Int32Array {
  return lock[toShared]().data as Int32Array
}

describe("the calling thread's ident, as locks record it", () => {
  test("follows the thread a pool task runs as, and falls back once the task leaves", () => {
    const outside = getIdent()
    enterLazyThread(() => {
      throw new Error("a lock must not build the task's thread object")
    }, 41)
    try {
      expect(callingIdent()).toBe(41)
      expect(getIdent()).toBe(41)
    } finally {
      enterLazyThread(undefined)
    }
    expect(callingIdent()).toBe(outside)
  })

  test("Lock.acquireSync() records the same owner on its short path (no options) as on its full one", () => {
    const lock = new Lock()
    lock.acquireSync() // the first call finds out whether this thread may block
    lock.release()
    enterLazyThread(() => {
      throw new Error("a lock must not build the task's thread object")
    }, 41)
    try {
      lock.acquireSync()
      expect(ownerOf(wordsOf(lock), 0)).toBe(42)
      lock.release()
      expect(lock.acquireSync({ timeout: 1_000 })).toBe(true)
      expect(ownerOf(wordsOf(lock), 0)).toBe(42)
      lock.release()
    } finally {
      enterLazyThread(undefined)
    }
    lock.acquireSync()
    expect(ownerOf(wordsOf(lock), 0)).toBe(getIdent() + 1)
    lock.release()
  })
})
