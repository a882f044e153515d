// Python's semantics where weft claims them: each case pins one place where weft once differed
// from CPython's threading / concurrent.futures (translated to weft's JavaScript shapes).
import {
  BrokenThreadPool,
  mainThread,
  RuntimeError,
  setExcepthook,
  Thread,
  ThreadExitError,
  ThreadPool,
  TimeoutError,
  type ExcepthookArgs,
  type ThreadPoolOptions,
} from "@weft/core"
import { deepEqual, equal, ok, rejects, throws } from "../assert.js"
import { group } from "../harness.js"
import { sharedFlags, signal, waitForValue } from "../sync.js"
import { failInit, hold, square } from "../tasks/pool-tasks.js"
import {
  gatedItem,
  REASON_CANCELLED_ERROR,
  REASON_ORIGINAL,
  seeMainThread,
  spinThenCheckSignal,
  tenfoldOrFail,
  throwBrokenPool,
  type GatedItem,
} from "../tasks/python-tasks.js"
import { add, CodedError, Doubler, exitWith, failWith, whoAmI } from "../tasks/thread-tasks.js"

async function withPool(options: ThreadPoolOptions, body: (pool: ThreadPool) => Promise<void>): Promise<void> {
  const pool = new ThreadPool(options)
  try {
    await body(pool)
  } finally {
    await pool.shutdown({ wait: true, cancelFutures: true })
  }
}

/** Consumes `iterator` until it ends or throws; returns what it yielded and what it threw. */
async function drain<T>(iterator: AsyncIterableIterator<T>): Promise<{ values: T[]; error: unknown }> {
  const values: T[] = []
  try {
    for await (const value of iterator) values.push(value)
  } catch (error) {
    return { values, error }
  }
  return { values, error: undefined }
}

const DEFAULT_NAME = /^Thread-\d+( \(\w+\))?$/

export const pythonCases = group("Python semantics", [
  // --- map per item (Python's map raises a failing item's error when its value is retrieved) ---
  {
    name: "map with chunksize delivers per item: the items before a failing one, then its error at its position",
    run: () =>
      withPool({ maxWorkers: 2 }, async (pool) => {
        const first = await drain(pool.map(tenfoldOrFail, [1, -2, 3, 4, 5, 6], { chunksize: 3 }))
        deepEqual(first.values, [10], "the item before the failing one, in the same chunk")
        ok(first.error instanceof RangeError, "the failing item's own error")
        equal((first.error as Error).message, "negative item -2")

        const later = pool.map(tenfoldOrFail, [1, 2, 3, 4, -5, 6, 7], { chunksize: 3 })
        const second = await drain(later)
        deepEqual(second.values, [10, 20, 30, 40], "a whole chunk, then the failing chunk's items before the failure")
        equal((second.error as Error).message, "negative item -5")
        deepEqual(await later.next(), { done: true, value: undefined }, "after raising, the iterator is finished")

        const clean = await drain(pool.map(tenfoldOrFail, [1, 2, 3, 4, 5], { chunksize: 2 }))
        deepEqual(clean, { values: [10, 20, 30, 40, 50], error: undefined })
      }),
  },
  {
    name: "map with chunksize: closing the loop early still cancels the chunks that have not started",
    requires: { sharedMemory: true },
    run: async () => {
      const flags = sharedFlags(3)
      let closed = false
      function* items(): Generator<GatedItem> {
        try {
          for (let n = 0; n < 1000; n++) yield { flags, n, block: n === 3 }
        } finally {
          closed = true
        }
      }
      await withPool({ maxWorkers: 1 }, async (pool) => {
        try {
          for await (const value of pool.map(gatedItem, items(), { chunksize: 3, maxInFlight: 3 })) {
            equal(value, 0)
            break
          }
        } finally {
          signal(flags, 0, 1)
        }
      })
      ok(closed, "the source is closed")
      const ran = Atomics.load(flags, 1)
      // Chunk 0 ran; chunk 1 ran only if it had started (it blocks on its first item); chunk 2 never.
      ok(ran === 3 || ran === 6, `items run: ${ran}`)
    },
  },

  // --- map(…, { timeout }) ---
  {
    name: "map timeout: next() rejects TimeoutError when the next result is not ready within timeout ms of map(); the rest is cancelled",
    requires: { sharedMemory: true },
    run: async () => {
      const flags = sharedFlags(3)
      await withPool({ maxWorkers: 1 }, async (pool) => {
        throws(() => pool.map(gatedItem, [], { timeout: -1 }), { name: "RangeError", message: "timeout" })
        const items = Array.from({ length: 6 }, (_, n) => ({ flags, n, block: n === 0 }))
        const results = pool.map(gatedItem, items, { timeout: 50 })
        try {
          await rejects(results.next(), { instanceOf: TimeoutError, name: "TimeoutError", message: "50 ms" })
          deepEqual(await results.next(), { done: true, value: undefined }, "the iterator is finished after the timeout")
        } finally {
          signal(flags, 0, 1)
        }
      })
      ok(Atomics.load(flags, 1) <= 1, `only the blocked item may have run, ran ${Atomics.load(flags, 1)}`)
      // Behind a task that holds the only worker, no item starts before the deadline: none ever runs.
      const queuedFlags = sharedFlags(3)
      const busy = new ThreadPool({ maxWorkers: 1 })
      const holdFlags = sharedFlags(2)
      try {
        const held = busy.submit(hold, holdFlags)
        await waitForValue(holdFlags, 1, 1)
        const items = Array.from({ length: 4 }, (_, n) => ({ flags: queuedFlags, n, block: false }))
        const results = busy.map(gatedItem, items, { timeout: 20, chunksize: 2 })
        try {
          await rejects(results.next(), { instanceOf: TimeoutError })
        } finally {
          signal(holdFlags, 0, 1)
        }
        await held
      } finally {
        signal(holdFlags, 0, 1)
        // Without cancelFutures: whatever map left uncancelled would run now.
        await busy.shutdown({ wait: true })
      }
      equal(Atomics.load(queuedFlags, 1), 0, "the items that had not started were cancelled, the awaited one included")
      await withPool({ maxWorkers: 2 }, async (pool) => {
        deepEqual(await drain(pool.map(tenfoldOrFail, [1, 2, 3], { timeout: 60_000, chunksize: 2 })), {
          values: [10, 20, 30],
          error: undefined,
        })
      })
    },
  },

  // --- the real main thread, everywhere ---
  {
    name: "mainThread() inside a thread and a pool task is the real main thread: MainThread, the main ident, alive",
    run: async () => {
      const main = mainThread()
      const t = new Thread({ target: seeMainThread })
      t.start()
      const inThread = await t.join()
      deepEqual(inThread, { name: "MainThread", ident: main.ident, alive: true, daemon: false, isCurrent: false, myIdent: t.ident })
      ok(inThread.ident !== t.ident, "not the thread's own ident")
      await withPool({ maxWorkers: 1 }, async (pool) => {
        const inTask = await pool.submit(seeMainThread)
        equal(inTask.name, "MainThread")
        equal(inTask.ident, main.ident)
        equal(inTask.alive, true)
        equal(inTask.isCurrent, false)
        ok(inTask.myIdent !== main.ident, "the task's thread is not the main thread")
      })
    },
  },

  // --- names ---
  {
    name: "Thread names are normalised in the constructor as in the setter: String(name), and an empty name gets Thread-N",
    run: async () => {
      const numbered = new Thread({ target: whoAmI, name: 123 as unknown as string })
      equal(numbered.name, "123")
      numbered.start()
      equal((await numbered.join()).name, "123", "the thread sees the same string")
      ok(/^Thread-\d+ \(add\)$/.test(new Thread({ target: add, args: [1, 2], name: "" }).name), "an empty name gets the default")
      ok(DEFAULT_NAME.test(new Thread({ target: add, args: [1, 2], name: null as unknown as string }).name), "a null name gets the default")
      ok(DEFAULT_NAME.test(new Doubler(1, "").name), "a subclass passing an empty name gets the default")
      const t = new Thread({ target: add, args: [1, 2] })
      t.name = 42 as unknown as string
      equal(t.name, "42")
    },
  },

  // --- cancelled and signal agree in a CPU loop ---
  {
    name: "a Thread's CPU loop: once cancelled reads true, signal.aborted is true and throwIfAborted() throws the reason (or a CancelledError for it)",
    requires: { sharedMemory: true },
    run: async (environment) => {
      const flags = sharedFlags(6)
      const t = new Thread({ target: spinThenCheckSignal, args: [flags, "halt"] })
      t.start()
      await waitForValue(flags, 0, 1)
      t.cancel("halt")
      const seen = await t.join()
      equal(seen.aborted, true, "signal.aborted")
      equal(seen.threwReason, true, "throwIfAborted() throws signal.reason")
      ok(
        seen.kind === REASON_ORIGINAL || seen.kind === REASON_CANCELLED_ERROR,
        `the reason is "halt" or a CancelledError (kind ${seen.kind})`,
      )
      // Node and Bun read the cancel message synchronously: there the reason itself arrives.
      if (environment.runtime === "node" || environment.runtime === "bun")
        equal(seen.kind, REASON_ORIGINAL, "on Node and Bun the reason crosses")
    },
  },
  {
    name: "a pool task's CPU loop: once cancelled reads true, signal.aborted is true and throwIfAborted() throws the reason (or a CancelledError for it)",
    requires: { sharedMemory: true },
    run: async (environment) => {
      const flags = sharedFlags(6)
      await withPool({ maxWorkers: 1 }, async (pool) => {
        const controller = new AbortController()
        const future = pool.run(spinThenCheckSignal, { args: [flags, "halt"], signal: controller.signal })
        await waitForValue(flags, 0, 1)
        controller.abort("halt")
        await rejects(future, { name: "AbortError" })
        await waitForValue(flags, 5, 1)
      })
      equal(Atomics.load(flags, 2), 1, "signal.aborted")
      equal(Atomics.load(flags, 3), 1, "throwIfAborted() throws signal.reason")
      const kind = Atomics.load(flags, 4)
      ok(kind === REASON_ORIGINAL || kind === REASON_CANCELLED_ERROR, `the reason is "halt" or a CancelledError (kind ${kind})`)
      if (environment.runtime === "node" || environment.runtime === "bun")
        equal(kind, REASON_ORIGINAL, "on Node and Bun the reason crosses")
    },
  },

  // --- excepthook ---
  {
    name: "an excepthook that throws does not take the program down: both errors are printed, and the thread's join() still rejects",
    run: async () => {
      const printed: string[] = []
      const consoleError = console.error
      let hooked!: (args: ExcepthookArgs) => void
      const called = new Promise<ExcepthookArgs>((resolve) => (hooked = resolve))
      const previous = setExcepthook((args) => {
        hooked(args)
        throw new TypeError("the hook itself failed")
      })
      console.error = (...parts: unknown[]) => void printed.push(parts.map(String).join(" "))
      try {
        const t = new Thread({ target: failWith, args: [new RangeError("nobody joined me")], name: "orphan" })
        t.start()
        const { error } = await called
        await rejects(t.join(), { instanceOf: RangeError, message: "nobody joined me" })
        equal((error as Error).message, "nobody joined me")
      } finally {
        console.error = consoleError
        setExcepthook(previous)
      }
      const output = printed.join("\n")
      ok(output.includes("Exception in threading.excepthook"), `Python's header for a failing hook (printed: ${JSON.stringify(output)})`)
      ok(output.includes("the hook itself failed"), "the hook's error is printed")
      ok(output.includes("Exception in thread orphan") && output.includes("nobody joined me"), "the thread's error is printed")
      // The program goes on: threads still run.
      const after = new Thread({ target: add, args: [1, 2] })
      after.start()
      equal(await after.join(), 3)
    },
  },

  // --- BrokenThreadPool ---
  {
    name: "BrokenThreadPool: an initializer that throws rejects pending futures and refuses submit, with the initializer's error as cause",
    run: async () => {
      const pool = new ThreadPool({ maxWorkers: 1, initializer: failInit })
      try {
        const pending = [pool.submit(square, 2), pool.submit(square, 3)]
        for (const future of pending) {
          const error = (await rejects(future, { instanceOf: BrokenThreadPool, name: "BrokenThreadPool" })) as BrokenThreadPool
          ok(error instanceof RuntimeError, "a BrokenThreadPool is a RuntimeError, as in Python")
          ok(error.cause instanceof CodedError, "cause is the initializer's error")
          equal((error.cause as Error).message, "initializer refused")
        }
        const refused = throws(() => pool.submit(square, 4), { instanceOf: BrokenThreadPool, name: "BrokenThreadPool" }) as BrokenThreadPool
        ok(refused.cause instanceof CodedError, "submit's error carries the same cause")
        throws(() => pool.map(square, [1]), { instanceOf: BrokenThreadPool })
      } finally {
        await pool.shutdown()
      }
    },
  },
  {
    name: "BrokenThreadPool: a worker that dies before it is ready rejects pending futures and refuses submit, with the exit as cause",
    run: async (environment) => {
      const pool = new ThreadPool({ maxWorkers: 1, initializer: exitWith, initargs: [5] })
      try {
        const error = (await rejects(pool.submit(square, 2), { instanceOf: BrokenThreadPool })) as BrokenThreadPool
        ok(error.cause instanceof ThreadExitError, "cause is the worker's exit")
        if (environment.processExit) equal((error.cause as ThreadExitError).exitCode, 5)
        throws(() => pool.submit(square, 3), { instanceOf: BrokenThreadPool })
      } finally {
        await pool.shutdown()
      }
    },
  },
  {
    name: "BrokenThreadPool crosses a thread boundary as itself (registered under a reserved key)",
    run: async () => {
      const t = new Thread({ target: throwBrokenPool })
      t.start()
      const error = (await rejects(t.join(), {
        instanceOf: BrokenThreadPool,
        name: "BrokenThreadPool",
        message: "broken inside a thread",
      })) as BrokenThreadPool
      ok(error.cause instanceof TypeError, "its cause crosses too")
    },
  },
])
