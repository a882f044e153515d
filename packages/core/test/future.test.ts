import { describe, expect, test } from "vitest"
import { CancelledError, TimeoutError } from "../src/errors.js"
import { Future } from "../src/pool/future.js"

describe("Future", () => {
  test("settles once: the first value wins, later settles are ignored", async () => {
    const f = new Future<number>()
    expect(f.done()).toBe(false)
    f.settleValue(1)
    f.settleValue(2)
    f.settleError(new Error("late"))
    expect(f.done()).toBe(true)
    await expect(f.result()).resolves.toBe(1)
    await expect(f.exception()).resolves.toBeNull()
  })

  test("an error settles result() as a rejection and exception() as the error", async () => {
    const f = new Future<number>()
    const error = new TypeError("bad")
    f.settleError(error)
    await expect(f.result()).rejects.toBe(error)
    await expect(f.exception()).resolves.toBe(error)
    expect(f.failed()).toBe(true)
  })

  test("cancel() before it starts: cancelled, CancelledError from result() and exception()", async () => {
    const f = new Future<number>()
    expect(f.cancel()).toBe(true)
    expect(f.cancelled()).toBe(true)
    expect(f.cancel()).toBe(true)
    await expect(f.result()).rejects.toBeInstanceOf(CancelledError)
    await expect(f.exception()).rejects.toBeInstanceOf(CancelledError)
    f.settleValue(3)
    expect(f.cancelled()).toBe(true)
  })

  test("cancel() after it settled is false", () => {
    const f = new Future<number>()
    f.settleValue(1)
    expect(f.cancel()).toBe(false)
  })

  test("result({ timeout }) rejects TimeoutError and the future goes on", async () => {
    const f = new Future<number>()
    await expect(f.result({ timeout: 1 })).rejects.toBeInstanceOf(TimeoutError)
    f.settleValue(5)
    await expect(f.result()).resolves.toBe(5)
  })

  test("done callbacks run once, in order, also when added after settling; a throwing one does not stop the rest", () => {
    const f = new Future<number>()
    const calls: string[] = []
    f.addDoneCallback(() => calls.push("a"))
    f.addDoneCallback(() => {
      throw new Error("callback")
    })
    f.addDoneCallback(() => calls.push("b"))
    const original = console.error
    console.error = () => {}
    try {
      f.settleValue(1)
    } finally {
      console.error = original
    }
    f.addDoneCallback(() => calls.push("c"))
    expect(calls).toEqual(["a", "b", "c"])
  })

  test("is a thenable: await gives the value; an unobserved failure is never an unhandled rejection", async () => {
    const f = new Future<string>()
    f.settleValue("x")
    expect(await f).toBe("x")
    const g = new Future<string>()
    g.settleError(new Error("nobody looks"))
    await expect(g).rejects.toThrow("nobody looks")
  })

  test("a failure observed through then, catch, finally or await is never reported as unhandled", async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on("unhandledRejection", onUnhandled)
    try {
      const failing = (early: boolean, observe: (f: Future<number>) => Promise<unknown>) => {
        const f = new Future<number>()
        if (early) f.settleError(new Error("early"))
        const observed = observe(f)
        if (!early) f.settleError(new Error("late"))
        return observed
      }
      const ways: ((f: Future<number>) => Promise<unknown>)[] = [
        (f) => f.then(undefined, (error) => error),
        (f) => f.catch((error) => error),
        (f) => f.finally(() => {}).catch((error) => error),
        (f) => f.then((v) => v).then(undefined, (error) => error),
        async (f) => {
          try {
            return await f
          } catch (error) {
            return error
          }
        },
        (f) => Promise.all([f]).catch((error) => error),
        (f) => Promise.allSettled([f]),
      ]
      for (const early of [true, false]) for (const way of ways) await failing(early, way)
      // Node reports an unhandled rejection after the microtasks of the turn it happened in.
      await new Promise((resolve) => setImmediate(resolve))
      expect(unhandled).toEqual([])
    } finally {
      process.off("unhandledRejection", onUnhandled)
    }
  })
})
