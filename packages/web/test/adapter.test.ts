// Browser-only behaviour of the adapter, on both pages (isolated and not).
import { configureWeb, getIdent, Thread, ThreadPool, ThreadExitError, ThreadTargetError, type CreateWorker } from "@weft/web"
import { afterEach, describe, expect, inject, test } from "vitest"
import {
  capabilitiesInside,
  closeThenWrite,
  entryName,
  throwLater,
  workersMadeForANestedThread,
  workersMadeForAThread,
} from "./web-tasks.js"

const customWorker: CreateWorker = ({ name }) => new Worker(new URL("./custom-worker.ts", import.meta.url), { type: "module", name })

async function run<R>(thread: Thread<R>): Promise<R> {
  thread.start()
  return thread.join()
}

afterEach(() => configureWeb({ createWorker: undefined }))

describe("web adapter", () => {
  test("capabilities inside a worker: blocking waits allowed, shared memory only when isolated", async () => {
    expect(await run(new Thread({ target: capabilitiesInside }))).toEqual({
      sharedMemory: inject("sharedMemory"),
      blockingWait: true,
      asyncWait: true,
      isolated: inject("isolated"),
    })
  })

  test("idents are distinct positive integers, the same inside the thread, 0 on the page", async () => {
    const threads = [1, 2, 3].map(() => new Thread({ target: entryName }))
    for (const t of threads) t.start()
    const inside = await Promise.all(threads.map((t) => t.join()))
    const idents = threads.map((t) => t.ident)
    expect(inside.map((r) => r.ident)).toEqual(idents)
    expect(getIdent()).toBe(0)
    expect(new Set(idents).size).toBe(3)
    for (const ident of idents) expect(Number.isInteger(ident) && ident! > 0).toBe(true)
  })

  test("a thread started on the page boots a spare worker; one started inside a worker does not", async () => {
    expect(await workersMadeForAThread()).toBe(2)
    // Inside a worker (Firefox can hang there in new Worker()), only the nested thread's own.
    expect(await run(new Thread({ target: workersMadeForANestedThread }))).toBe(1)
  })

  test("the built-in worker entry runs a thread when nothing is configured", async () => {
    expect(await run(new Thread({ target: entryName, name: "plain" }))).toMatchObject({ entry: "default", name: "plain" })
  })

  test("web.createWorker gives one thread the app's own worker entry", async () => {
    const created: string[] = []
    const createWorker: CreateWorker = (context) => (created.push(context.name ?? ""), customWorker(context))
    const result = await run(new Thread({ target: entryName, name: "mine", web: { createWorker } }))
    expect(result).toMatchObject({ entry: "custom", name: "mine", workerName: "mine" })
    expect(created).toEqual(["mine"])
    expect(await run(new Thread({ target: entryName }))).toMatchObject({ entry: "default" })
  })

  test("configureWeb({ createWorker }) applies to every thread", async () => {
    configureWeb({ createWorker: customWorker })
    const threads = [new Thread({ target: entryName }), new Thread({ target: entryName })]
    for (const t of threads) t.start()
    for (const t of threads) expect((await t.join()).entry).toBe("custom")
  })

  test("a ThreadPool runs on browser workers, and on the app's entry with web.createWorker", async () => {
    const plain = new ThreadPool({ maxWorkers: 2 })
    const custom = new ThreadPool({ maxWorkers: 2, web: { createWorker: customWorker } })
    try {
      const fromPlain = await Promise.all([1, 2, 3].map(() => plain.submit(entryName)))
      const fromCustom = await Promise.all([1, 2, 3].map(() => custom.submit(entryName)))
      expect(fromPlain.map((r) => r.entry)).toEqual(["default", "default", "default"])
      expect(fromCustom.map((r) => r.entry)).toEqual(["custom", "custom", "custom"])
    } finally {
      await Promise.all([plain.shutdown({ wait: true }), custom.shutdown({ wait: true })])
    }
  })

  test("createWorker returning something else fails in start() and leaves the thread unstarted", () => {
    const t = new Thread({ target: entryName, web: { createWorker: (() => ({})) as unknown as CreateWorker } })
    expect(() => t.start()).toThrow(/must return a Worker/)
    expect(t.isAlive()).toBe(false)
    expect(t.ident).toBe(null)
    expect(() => configureWeb({ createWorker: 42 as unknown as CreateWorker })).toThrow(TypeError)
  })

  test("a worker script that does not load rejects join() with ThreadExitError, not a hang", async () => {
    const missing = `${location.origin}/no-such-weft-worker.js`
    const t = new Thread({ target: entryName, web: { createWorker: () => new Worker(missing, { type: "module" }) } })
    const error = await run(t).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ThreadExitError)
    expect((error as Error).message).toMatch(/createWorker\(\) failed to load/)
  })

  test("an uncaught error in the worker ends the thread with ThreadExitError carrying the message", async () => {
    const error = await run(new Thread({ target: throwLater })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ThreadExitError)
    expect((error as ThreadExitError).exitCode).toBe(null)
    expect((error as Error).message).toMatch(/boom from a timer/)
  })

  test("self.close() inside the thread rejects join() with ThreadExitError", async () => {
    const error = await run(new Thread({ target: () => (globalThis as unknown as { close(): void }).close() })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ThreadExitError)
  })

  test.skipIf(!inject("sharedMemory"))("nothing runs in a thread after self.close(), as after process.exit()", async () => {
    const flags = new Int32Array(new SharedArrayBuffer(4))
    const error = await run(new Thread({ target: closeThenWrite, args: [flags] })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ThreadExitError)
    expect(Atomics.load(flags, 0)).toBe(0)
  })

  test("a registered target not known to a custom entry still loads by URL in the dev server", async () => {
    // custom-worker.ts imports web-tasks.ts but not the conformance tasks: the key's module is imported.
    const { add } = await import("@weft/conformance/tasks/thread-tasks.ts")
    expect(await run(new Thread({ target: add, args: [2, 5], web: { createWorker: customWorker } }))).toBe(7)
  })

  test("an inline target that is not self-contained still names the identifier", async () => {
    const outer = [1]
    const error = await run(new Thread({ target: () => outer.length })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ThreadTargetError)
  })
})
