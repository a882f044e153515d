import {
  ALL_COMPLETED,
  asCompleted,
  BrokenThreadPool,
  CancelledError,
  FIRST_COMPLETED,
  Barrier,
  Event,
  FIRST_EXCEPTION,
  Future,
  Lock,
  QueueFull,
  RuntimeError,
  ThreadExitError,
  ThreadPool,
  ThreadTargetError,
  TimeoutError,
  wait,
  type ThreadPoolOptions,
} from "@weft/core"
import { deepEqual, equal, ok, rejects, throws } from "../assert.js"
import { group } from "../harness.js"
import { sharedFlags, signal, waitForValue } from "../sync.js"
import {
  awaitTaskSignal,
  failCoded,
  failInit,
  arriveLast,
  awaitEventSet,
  hold,
  holdLockIgnoringCancel,
  identity,
  ignoreCancel,
  initWorker,
  mark,
  readInit,
  resolvedIdentity,
  slowSquare,
  spinUntilTaskCancelled,
  square,
  Tally,
  taskThread,
  writeShared,
} from "../tasks/pool-tasks.js"
import { CodedError, exitWith } from "../tasks/thread-tasks.js"
import { countAction } from "../tasks/primitive-tasks.js"

/** Runs `body` with a fresh pool and always shuts it down (cancelling what is left). */
async function withPool(options: ThreadPoolOptions, body: (pool: ThreadPool) => Promise<void>): Promise<void> {
  const pool = new ThreadPool(options)
  try {
    await body(pool)
  } finally {
    await pool.shutdown({ wait: true, cancelFutures: true })
  }
}

/** Waits (without sleeping a fixed time) until `check()` holds; for pool state that has no shared word to park on. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 1))
}

/** A pool of one worker held busy by `hold` until `release()`: what is submitted next waits. */
async function busyPool(
  options: ThreadPoolOptions,
  body: (pool: ThreadPool, release: () => void, held: Future<string>) => Promise<void>,
): Promise<void> {
  await withPool({ maxWorkers: 1, ...options }, async (pool) => {
    const flags = sharedFlags(2)
    const held = pool.submit(hold, flags)
    await waitForValue(flags, 1, 1)
    const release = () => signal(flags, 0, 1)
    try {
      await body(pool, release, held)
    } finally {
      release()
    }
  })
}

export const poolCases = group("ThreadPool", [
  // --- targets and results ---
  {
    name: "submit: a registered function's result comes back through the Future (thenable)",
    run: () =>
      withPool({ maxWorkers: 2 }, async (pool) => {
        const future = pool.submit(square, 7)
        ok(future instanceof Future, "submit returns a Future")
        equal(await future, 49)
        equal(await future.result(), 49)
        equal(await future.exception(), null)
        ok(future.done() && !future.running() && !future.cancelled(), "a finished future is done, not running, not cancelled")
        equal(await pool.submit(slowSquare, 5), 25, "a promise returned by the task is awaited")
      }),
  },
  {
    name: "submit: an inline self-contained function is sent as source, and a closure fails with ThreadTargetError naming the identifier",
    run: () =>
      withPool({ maxWorkers: 1 }, async (pool) => {
        equal(await pool.submit((a: number, b: number) => a * b, 6, 7), 42)
        const outer = [1, 2].length
        await rejects(
          pool.submit(() => outer + 1),
          {
            instanceOf: ThreadTargetError,
            check: (error) => ok(String((error as Error).message).includes('"outer"'), String((error as Error).message)),
          },
        )
      }),
  },
  {
    name: "run: an object's method runs on a copy of it and its fields are written back",
    run: () =>
      withPool({ maxWorkers: 1 }, async (pool) => {
        const tally = new Tally()
        tally.total = 10
        equal(await pool.run(tally, { method: "add", args: [5] }), 15)
        equal(tally.total, 15)
        deepEqual(tally.seen, [5])
        throws(() => pool.run(tally, { method: "nope" as "add", args: [1] }), { instanceOf: ThreadTargetError })
      }),
  },
  {
    name: "errors cross like Thread's: registered class, code, cause chain, and the submit() site in the stack",
    run: () =>
      withPool({ maxWorkers: 1 }, async (pool) => {
        const error = (await rejects(pool.submit(failCoded, "bad input"), {
          instanceOf: CodedError,
          name: "CodedError",
          message: "bad input",
        })) as CodedError
        equal(error.code, "E_CODED")
        ok(String(error.stack).includes("submitted at"), "the stack holds the submit() site")
        const future = pool.submit(failCoded, "again")
        ok((await future.exception()) instanceof CodedError, "exception() resolves with the error")
        ok(future.done() && !future.cancelled(), "a failed future is done")
      }),
  },
  {
    name: "bad input throws at submit(): an uncloneable argument is named by position, a bad target or option is refused",
    run: () =>
      withPool({ maxWorkers: 1 }, async (pool) => {
        throws(() => pool.submit(identity as (a: unknown, b: unknown) => unknown, 1, () => 2), { name: "TypeError", message: "args[1]" })
        throws(() => pool.run(42 as unknown as () => void), { instanceOf: ThreadTargetError })
        throws(() => new ThreadPool({ maxWorkers: 0 }), { name: "RangeError", message: "maxWorkers" })
        throws(() => pool.run(square, { args: [1], timeout: -1 }), { name: "RangeError", message: "timeout" })
        throws(() => pool.map(square, [1], { chunksize: 0 }), { name: "RangeError", message: "chunksize" })
        equal(pool.stats().workers <= 1, true)
      }),
  },
  {
    name: "inside a task, currentThread() is the pool's worker thread, with the task's own signal",
    run: () =>
      withPool({ maxWorkers: 1, name: "crew" }, async (pool) => {
        const seen = await pool.submit(taskThread)
        ok(seen.name.startsWith("crew"), `thread name ${seen.name}`)
        ok(typeof seen.ident === "number" && seen.ident > 0, "the worker has an ident")
        equal(seen.cancelled, false)
        equal(seen.aborted, false)
        equal(seen.alive, true)
      }),
  },

  // --- map ---
  {
    name: "map yields results in input order, with and without chunksize",
    run: () =>
      withPool({ maxWorkers: 2 }, async (pool) => {
        const out: number[] = []
        for await (const value of pool.map(slowSquare, [5, 1, 4, 2, 3])) out.push(value)
        deepEqual(out, [25, 1, 16, 4, 9])
        const items = Array.from({ length: 1000 }, (_, i) => i)
        const chunked: number[] = []
        for await (const value of pool.map(square, items, { chunksize: 64 })) chunked.push(value)
        deepEqual(
          chunked,
          items.map((i) => i * i),
        )
      }),
  },
  {
    name: "map over a huge generator is lazy and bounded: it pulls only what the consumer asked for plus maxInFlight",
    run: () =>
      withPool({ maxWorkers: 2 }, async (pool) => {
        let pulled = 0
        let closed = false
        function* numbers(): Generator<number> {
          try {
            for (let i = 0; i < 10_000_000; i++) {
              pulled++
              yield i
            }
          } finally {
            closed = true
          }
        }
        const maxInFlight = 8
        const chunksize = 4
        let consumed = 0
        for await (const value of pool.map(square, numbers(), { maxInFlight, chunksize })) {
          equal(value, consumed * consumed)
          ok(pulled <= consumed + 1 + (maxInFlight + 1) * chunksize, `pulled ${pulled} after consuming ${consumed}`)
          if (++consumed === 200) break
        }
        ok(closed, "closing the loop early closes the source generator")
        ok(pulled < 200 + (maxInFlight + 2) * chunksize, `pulled ${pulled}`)
      }),
  },
  {
    name: "map accepts an async iterable and rejects with the first failing item's error",
    run: () =>
      withPool({ maxWorkers: 2 }, async (pool) => {
        async function* words(): AsyncGenerator<string> {
          yield "a"
          yield "b"
        }
        const out: string[] = []
        for await (const value of pool.map(identity, words())) out.push(value as string)
        deepEqual(out, ["a", "b"])
        const seen: number[] = []
        await rejects(
          async () => {
            for await (const value of pool.map(
              (n: number) => {
                if (n === 3) throw new RangeError("three")
                return n
              },
              [1, 2, 3, 4],
            ))
              seen.push(value)
          },
          { name: "RangeError", message: "three" },
        )
        deepEqual(seen, [1, 2])
      }),
  },

  // --- volume ---
  {
    name: "a flood of 30,000 tiny tasks: every future settles with its own value, nothing lost or duplicated",
    run: () =>
      withPool({ maxWorkers: 2 }, async (pool) => {
        const futures = Array.from({ length: 30_000 }, (_, i) => pool.submit(identity, i))
        const values = await Promise.all(futures)
        for (let i = 0; i < values.length; i++) if (values[i] !== i) throw new Error(`task ${i} returned ${values[i]}`)
        const stats = pool.stats()
        equal(stats.completed, 30_000)
        equal(stats.failed, 0)
        equal(stats.queued, 0)
        equal(stats.inFlight, 0)
        ok(stats.workers >= 1 && stats.workers <= 2, `workers ${stats.workers}`)
        ok(
          stats.runTime.p50 >= 0 && stats.runTime.max >= stats.runTime.p50 && stats.waitTime.p99 >= stats.waitTime.p50,
          "percentiles are ordered",
        )
      }),
  },

  // --- Future API ---
  {
    name: "cancel(): true for a task that has not started (it never runs), false once it is running",
    requires: { sharedMemory: true },
    run: () =>
      busyPool({}, async (pool, release, held) => {
        const flags = sharedFlags(2)
        const queued = pool.submit(mark, flags, 0)
        ok(!queued.running() && !queued.done(), "a waiting task is neither running nor done")
        ok(held.running(), "the blocking task is running")
        equal(held.cancel(), false, "a running task cannot be cancelled")
        equal(queued.cancel(), true)
        equal(queued.cancel(), true, "cancel() again still says cancelled")
        ok(queued.cancelled() && queued.done(), "cancelled and done")
        await rejects(queued.result(), { instanceOf: CancelledError })
        await rejects(queued.exception(), { instanceOf: CancelledError })
        release()
        ok((await held).length > 0, "the held task finished")
        equal(await pool.submit(mark, flags, 1), 1)
        equal(Atomics.load(flags, 0), 0, "the cancelled task never ran")
        equal(pool.stats().cancelled, 1)
      }),
  },
  {
    name: "addDoneCallback runs once settled (at once if already done); result({ timeout }) rejects TimeoutError while the task runs on",
    requires: { sharedMemory: true },
    run: () =>
      busyPool({}, async (_pool, release, held) => {
        const calls: string[] = []
        held.addDoneCallback((f) => calls.push(`held:${String(f.done())}`))
        await rejects(held.result({ timeout: 5 }), { instanceOf: TimeoutError })
        equal(calls.length, 0)
        release()
        await held
        deepEqual(calls, ["held:true"])
        held.addDoneCallback(() => calls.push("late"))
        deepEqual(calls, ["held:true", "late"])
      }),
  },
  {
    name: "asCompleted yields futures as they finish; wait() honours FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED and timeout",
    requires: { sharedMemory: true },
    run: () =>
      withPool({ maxWorkers: 2 }, async (pool) => {
        const flags = sharedFlags(2)
        const slow = pool.submit(hold, flags)
        await waitForValue(flags, 1, 1)
        const fast = pool.submit(square, 3)
        const first = await wait([slow, fast], { returnWhen: FIRST_COMPLETED })
        ok(first.done.has(fast) && first.notDone.has(slow), "FIRST_COMPLETED: the fast one is done, the held one is not")
        const timedOut = await wait([slow], { timeout: 5 })
        ok(timedOut.notDone.has(slow) && timedOut.done.size === 0, "timeout returns what is done so far")
        const failing = pool.submit(failCoded, "x")
        const firstError = await wait([slow, failing], { returnWhen: FIRST_EXCEPTION })
        ok(firstError.done.has(failing) && firstError.notDone.has(slow), "FIRST_EXCEPTION returns at the first failure")
        const order: Future<unknown>[] = []
        const iterate = (async () => {
          // The iterator yields the futures themselves; TypeScript types a for-await over thenables as their values.
          for await (const future of asCompleted<Future<unknown>>([slow, fast, failing])) order.push(future as unknown as Future<unknown>)
        })()
        await rejects(
          async () => {
            for await (const _ of asCompleted([slow], { timeout: 5 })) throw new Error("the held task cannot complete")
          },
          { instanceOf: TimeoutError },
        )
        signal(flags, 0, 1)
        await iterate
        equal(order.length, 3)
        equal(order[2], slow, "the held task completes last")
        const all = await wait([slow, fast, failing], { returnWhen: ALL_COMPLETED })
        equal(all.done.size, 3)
      }),
  },

  // --- stopping tasks ---
  {
    name: "a per-task signal stops a running task: a CPU loop sees cancelled (its signal fires once it yields), the future rejects AbortError with the reason as cause",
    requires: { sharedMemory: true },
    run: () =>
      withPool({ maxWorkers: 1 }, async (pool) => {
        const flags = sharedFlags(3)
        const controller = new AbortController()
        const future = pool.run(spinUntilTaskCancelled, { args: [flags], signal: controller.signal })
        await waitForValue(flags, 0, 1)
        ok(future.running(), "running once started")
        const reason = new Error("user gave up")
        controller.abort(reason)
        const error = (await rejects(future, { name: "AbortError" })) as Error & { cause?: unknown }
        ok(error instanceof DOMException, "an AbortError DOMException")
        equal(error.cause, reason)
        await waitForValue(flags, 2, 1)
        const next = await pool.submit(taskThread)
        equal(next.cancelled, false, "the next task on the same worker is not cancelled")
        equal(next.aborted, false)
      }),
  },
  {
    name: "a queued task whose signal aborts is removed and never runs; an already aborted signal rejects at once",
    requires: { sharedMemory: true },
    run: () =>
      busyPool({}, async (pool, release) => {
        const flags = sharedFlags(1)
        const controller = new AbortController()
        const queued = pool.run(mark, { args: [flags, 0], signal: controller.signal })
        controller.abort("not needed")
        await rejects(queued, { name: "AbortError" })
        await rejects(pool.run(mark, { args: [flags, 0], signal: AbortSignal.abort("early") }), { name: "AbortError" })
        release()
        equal(await pool.submit(mark, flags, 0), 1, "only the later task ran")
      }),
  },
  {
    name: "timeout counts from the task's start: the task's signal aborts with TimeoutError and the future rejects TimeoutError",
    requires: { sharedMemory: true },
    run: () =>
      busyPool({}, async (pool, release) => {
        const flags = sharedFlags(1)
        const future = pool.run(awaitTaskSignal, { args: [flags], timeout: 20 })
        await rejects(future.result({ timeout: 40 }), { instanceOf: TimeoutError, message: "future" })
        ok(!future.done(), "still waiting behind the held task: its timeout has not started")
        release()
        await rejects(future, { instanceOf: TimeoutError, message: "20 ms" })
        await waitForValue(flags, 0, 1)
      }),
  },
  {
    name: "a task that ignores its signal is terminated after graceMs; its worker is replaced and the pool goes on",
    requires: { sharedMemory: true },
    run: () =>
      withPool({ maxWorkers: 1, graceMs: 30 }, async (pool) => {
        const flags = sharedFlags(2)
        const controller = new AbortController()
        const stubborn = pool.run(ignoreCancel, { args: [flags], signal: controller.signal })
        await waitForValue(flags, 0, 1)
        const queued = pool.submit(taskThread)
        controller.abort()
        await rejects(stubborn, { name: "AbortError" })
        const after = await queued
        equal(after.cancelled, false)
        ok(after.ident !== null, "a replacement worker ran the queued task")
      }),
  },

  {
    name: "a Lock held by a task whose worker is terminated after graceMs is abandoned: the next acquirer takes it over",
    requires: { sharedMemory: true },
    run: () =>
      withPool({ maxWorkers: 1, graceMs: 30 }, async (pool) => {
        const lock = new Lock()
        const flags = sharedFlags(1)
        const controller = new AbortController()
        const stuck = pool.run(holdLockIgnoringCancel, { args: [lock, flags], signal: controller.signal })
        await waitForValue(flags, 0, 1)
        controller.abort()
        await rejects(stuck, { name: "AbortError" })
        equal(await lock.acquire({ timeout: 20_000 }), true, "the terminated worker's holding is taken over")
        equal(lock.abandoned, true)
        lock.release()
      }),
  },

  {
    name: "a task given a Barrier whose action lives in a module the worker has not loaded runs that action (loaded before the task starts)",
    requires: { sharedMemory: true },
    run: () =>
      withPool({ maxWorkers: 1 }, async (pool) => {
        const barrier = new Barrier(2, { action: countAction })
        const here = barrier.wait({ timeout: 20_000 })
        here.catch(() => undefined) // awaited below; not unhandled if the task fails first
        equal(await pool.submit(arriveLast, barrier), 1, "the task arrived second and ran the action")
        equal(await here, 0)
      }),
  },

  {
    name: "a task that blocks on a primitive does not hold back the results its worker has not sent yet: the caller sees them and can wake it",
    requires: { sharedMemory: true },
    run: () =>
      withPool({ maxWorkers: 1 }, async (pool) => {
        const event = new Event()
        const set = new Event()
        set.set()
        // Every target loaded first (loading one sends the worker's results too), then tiny tasks one
        // at a time until the pool holds many per worker: the four below travel in one batch.
        deepEqual(await Promise.all([pool.submit(square, 1), pool.submit(resolvedIdentity, 2), pool.submit(awaitEventSet, set)]), [
          1,
          2,
          true,
        ])
        for (let i = 0; i < 60; i++) await pool.submit(square, i)
        // The async task makes the worker send what it has; the next two results wait to be batched.
        const before = [pool.submit(square, 1), pool.submit(resolvedIdentity, 2)]
        const first = pool.submit(square, 3)
        const blocked = pool.submit(awaitEventSet, event)
        void first.then(() => event.set())
        deepEqual(await Promise.all(before), [1, 2])
        equal(await first, 9)
        equal(await blocked, true, "the task woke because the caller saw the earlier result, not by its timeout")
      }),
  },

  // --- faults ---
  {
    name: "a worker that dies rejects exactly its running task with ThreadExitError; the others complete and the worker is replaced",
    run: async (environment) =>
      withPool({ maxWorkers: 2 }, async (pool) => {
        const dying = pool.submit(exitWith, 7)
        const others = Array.from({ length: 50 }, (_, i) => pool.submit(slowSquare, i))
        const error = (await rejects(dying, { instanceOf: ThreadExitError })) as ThreadExitError
        if (environment.processExit) equal(error.exitCode, 7)
        deepEqual(
          await Promise.all(others),
          others.map((_, i) => i * i),
        )
        equal(await pool.submit(square, 9), 81)
        equal(pool.stats().failed, 1)
      }),
  },
  {
    name: "an initializer runs in each worker before its tasks; a failing one rejects pending tasks and refuses new ones",
    run: async () => {
      await withPool({ maxWorkers: 2, initializer: initWorker, initargs: [{ ready: true }] }, async (pool) => {
        deepEqual(await pool.submit(readInit), { ready: true })
      })
      const broken = new ThreadPool({ maxWorkers: 1, initializer: failInit })
      try {
        const error = (await rejects(broken.submit(square, 2), { instanceOf: BrokenThreadPool, message: "broken" })) as BrokenThreadPool
        ok(error.cause instanceof CodedError && error.cause.message === "initializer refused", "the initializer's error is the cause")
        throws(() => broken.submit(square, 3), { instanceOf: RuntimeError, message: "broken" })
      } finally {
        await broken.shutdown()
      }
    },
  },

  // --- pool options ---
  {
    name: "maxQueue: submit() beyond it throws QueueFull at once; there is room again once tasks start",
    requires: { sharedMemory: true },
    run: () =>
      busyPool({ maxQueue: 2 }, async (pool, release) => {
        const waiting = [pool.submit(square, 1), pool.submit(square, 2)]
        throws(() => pool.submit(square, 3), { instanceOf: QueueFull, message: "maxQueue" })
        release()
        deepEqual(await Promise.all(waiting), [1, 4])
        equal(await pool.submit(square, 3), 9)
      }),
  },
  {
    name: "maxTasksPerWorker: a worker is replaced after that many tasks",
    run: () =>
      withPool({ maxWorkers: 1, maxTasksPerWorker: 2 }, async (pool) => {
        const idents: (number | null)[] = []
        for (let i = 0; i < 4; i++) idents.push((await pool.submit(taskThread)).ident)
        equal(idents[0], idents[1])
        equal(idents[2], idents[3])
        ok(idents[0] !== idents[2], `a new worker after two tasks (${idents.join(", ")})`)
      }),
  },
  {
    name: "maxTasksPerWorker: recycling workers under a flood loses, duplicates and fails nothing",
    run: () =>
      withPool({ maxWorkers: 2, maxTasksPerWorker: 50 }, async (pool) => {
        const n = 500
        const futures = Array.from({ length: n }, (_, i) => pool.submit(identity, i))
        const values = await Promise.all(futures)
        for (let i = 0; i < n; i++) if (values[i] !== i) throw new Error(`task ${i} returned ${String(values[i])}`)
        const stats = pool.stats()
        equal(stats.completed, n)
        equal(stats.failed, 0)
        equal(stats.cancelled, 0)
        ok(stats.workers <= 2, `workers ${stats.workers}`)
        // Recycled one by one too: each task after the limit lands on a fresh worker.
        const idents = new Set<number | null>()
        for (let i = 0; i < 101; i++) idents.add((await pool.submit(taskThread)).ident)
        ok(idents.size >= 3, `101 tasks at 50 per worker ran on ${idents.size} workers`)
      }),
  },
  {
    name: "idleTimeout: idle workers retire, and later tasks run on fresh workers",
    run: () =>
      withPool({ maxWorkers: 2, idleTimeout: 10 }, async (pool) => {
        const before = await Promise.all([pool.submit(taskThread), pool.submit(taskThread), pool.submit(square, 3)])
        equal(before[2], 9)
        await until(() => pool.stats().workers === 0)
        const stats = pool.stats()
        equal(stats.busy, 0)
        equal(stats.completed, 3)
        const after = await pool.submit(taskThread)
        ok(!before.slice(0, 2).some((t) => (t as { ident: number | null }).ident === after.ident), "the new task runs on a fresh worker")
        equal(await pool.submit(square, 5), 25)
        await until(() => pool.stats().workers === 0)
        equal(pool.stats().completed, 5)
      }),
  },
  {
    name: "maxWorkers bounds concurrency; stats() counts workers, busy and queued",
    requires: { sharedMemory: true },
    run: () =>
      withPool({ maxWorkers: 2 }, async (pool) => {
        const a = sharedFlags(2)
        const b = sharedFlags(2)
        const first = pool.submit(hold, a)
        const second = pool.submit(hold, b)
        await waitForValue(a, 1, 1)
        await waitForValue(b, 1, 1)
        const third = pool.submit(square, 4)
        const stats = pool.stats()
        equal(stats.workers, 2)
        equal(stats.busy, 2)
        equal(stats.queued + stats.inFlight, 3, "two running, one waiting")
        ok(!third.running(), "the third task waits")
        signal(a, 0, 1)
        signal(b, 0, 1)
        await Promise.all([first, second])
        equal(await third, 16)
      }),
  },

  // --- shutdown ---
  {
    name: "shutdown(): waits for pending work, then refuses new tasks; cancelFutures cancels what has not started",
    requires: { sharedMemory: true },
    run: async () => {
      const pool = new ThreadPool({ maxWorkers: 1 })
      const pending = Array.from({ length: 20 }, (_, i) => pool.submit(slowSquare, i))
      await pool.shutdown()
      ok(
        pending.every((f) => f.done()),
        "every task settled before shutdown resolved",
      )
      deepEqual(
        await Promise.all(pending),
        pending.map((_, i) => i * i),
      )
      throws(() => pool.submit(square, 1), { instanceOf: RuntimeError, message: "shutdown" })
      equal(pool.stats().workers, 0)

      const flags = sharedFlags(2)
      const other = new ThreadPool({ maxWorkers: 1 })
      const held = other.submit(hold, flags)
      await waitForValue(flags, 1, 1)
      const queued = Array.from({ length: 5 }, (_, i) => other.submit(square, i))
      const done = other.shutdown({ cancelFutures: true })
      ok(
        queued.every((f) => f.cancelled()),
        "queued tasks are cancelled",
      )
      signal(flags, 0, 1)
      await done
      equal(await held, `${other.name}_0`)
    },
  },
  {
    // WebKit's structuredClone turns a SharedArrayBuffer into a copy; the pool must not.
    name: "task arguments holding shared memory arrive shared (views, a DataView in a Map, a bare buffer, a primitive), also beside a transfer list",
    requires: { sharedMemory: true },
    run: () =>
      withPool({ maxWorkers: 1 }, async (pool) => {
        const holder = {
          words: sharedFlags(1),
          byName: new Map([["view", new DataView(new SharedArrayBuffer(4))]]),
          nested: [{ buffer: new SharedArrayBuffer(4) }],
          done: new Event(),
        }
        deepEqual(await pool.submit(writeShared, holder, new ArrayBuffer(8)), { shared: [true, true, true], moved: 8 })
        equal(Atomics.load(holder.words, 0), 7)
        equal(holder.byName.get("view")!.getInt32(0), 9)
        equal(new Int32Array(holder.nested[0]!.buffer)[0], 11)
        equal(holder.done.isSet(), true)
        const moved = new ArrayBuffer(16)
        Atomics.store(holder.words, 0, 0)
        deepEqual(await pool.run(writeShared, { args: [holder, moved], transfer: [moved] }), { shared: [true, true, true], moved: 16 })
        equal(Atomics.load(holder.words, 0), 7)
        equal(moved.byteLength, 0)
      }),
  },
  {
    name: "await using / Symbol.asyncDispose shuts the pool down",
    run: async () => {
      // Defined by weft where the engine lacks it (WebKit), so this is the real well-known symbol.
      equal(typeof Symbol.asyncDispose, "symbol")
      const pool = new ThreadPool({ maxWorkers: 1 })
      const future = pool.submit(square, 12)
      await pool[Symbol.asyncDispose]()
      equal(await future, 144)
      throws(() => pool.submit(square, 1), { instanceOf: RuntimeError })
    },
  },
])
