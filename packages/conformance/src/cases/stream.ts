// Streaming (#17): a generator consumed across a thread boundary. Thread in its three styles and
// the pool yield what the generator yields, with credits (highWaterMark) bounding how far the
// worker runs ahead; ending early runs the generator's finally in the worker. Everything is
// observed through values, Events and locks, never sleeps.
import { CancelledError, Event, Lock, Thread, ThreadPool, type ThreadPoolOptions } from "@weft/core"
import { deepEqual, equal, ok, rejects } from "../assert.js"
import { group } from "../harness.js"
import { square } from "../tasks/pool-tasks.js"
import { countTo, countToLater, failOnThird, lockRelay, naturals, reportProgress, Squares, Ticker } from "../tasks/stream-tasks.js"
import { CodedError } from "../tasks/thread-tasks.js"

/** Runs `body` with a fresh pool and always shuts it down (cancelling what is left). */
async function withPool(options: ThreadPoolOptions, body: (pool: ThreadPool) => Promise<void>): Promise<void> {
  const pool = new ThreadPool(options)
  try {
    await body(pool)
  } finally {
    await pool.shutdown({ wait: true, cancelFutures: true })
  }
}

/** Every value of an async iterable, in order. */
async function collect<T>(values: AsyncIterable<T>): Promise<T[]> {
  const seen: T[] = []
  for await (const value of values) seen.push(value)
  return seen
}

/** Checks the error of a generator that failed on its third value: class, message and cause rebuilt. */
function isThirdValueError(error: unknown): void {
  ok(error instanceof CodedError, "the generator's error class is rebuilt")
  equal((error as CodedError).message, "third value failed")
  equal((error as CodedError).code, "E_CODED")
  const cause = (error as Error).cause
  ok(cause instanceof RangeError, "its cause is rebuilt with its class")
  equal((cause as Error).message, "no third value")
}

export const streamCases = group("Streaming", [
  // --- Thread in its three styles ---
  {
    name: "functional style: for await over a started thread yields the generator's values; join() gives its return value",
    run: async () => {
      const thread = new Thread({ target: countTo, args: [5] })
      thread.start()
      const values: number[] = []
      for await (const value of thread) values.push(value)
      deepEqual(values, [0, 1, 2, 3, 4])
      equal(await thread.join(), "counted 5")
    },
  },
  {
    name: "functional style: an async generator streams through thread.values()",
    run: async () => {
      const thread = new Thread({ target: countToLater, args: [4] })
      thread.start()
      deepEqual(await collect(thread.values()), [0, 1, 2, 3])
      equal(await thread.join(), "counted 4 later")
    },
  },
  {
    name: "functional style: an inline generator is sent as source and streams",
    run: async () => {
      const thread = new Thread({
        target: function* letters(word: string) {
          for (const letter of word) yield letter
          return word.length
        },
        args: ["weft"],
      })
      thread.start()
      deepEqual(await collect(thread.values()), ["w", "e", "f", "t"])
      equal(await thread.join(), 4)
    },
  },
  {
    name: "instance style: a generator method streams, and the object's fields come back",
    run: async () => {
      const ticker = new Ticker("tick")
      const thread = new Thread({ target: ticker, method: "tick", args: [3] })
      thread.start()
      deepEqual(await collect(thread.values()), ["tick 1", "tick 2", "tick 3"])
      equal(await thread.join(), 3)
      equal(ticker.ticks, 3, "the fields the generator changed are written back")
    },
  },
  {
    name: "subclass style: a generator run() streams; join() gives its return value",
    run: async () => {
      const squares = new Squares(4)
      squares.start()
      const values: number[] = []
      for await (const value of squares) values.push(value)
      deepEqual(values, [1, 4, 9, 16])
      equal(await squares.join(), "4 squares from squares")
    },
  },
  {
    name: "Thread: a consumer that stops after the first value ends the generator (its finally runs) and join() settles",
    requires: { sharedMemory: true },
    run: async () => {
      const stopped = new Event()
      const thread = new Thread({ target: naturals, args: [stopped] })
      thread.start()
      for await (const value of thread) {
        equal(value, 0)
        break
      }
      ok(await stopped.wait({ timeout: 10_000 }), "the generator's finally ran in the worker")
      await thread.join()
      ok(!thread.isAlive(), "the thread has ended")
    },
  },
  {
    name: "Thread: an error on the third value rejects next() after two values, and join() with the same error",
    run: async () => {
      const thread = new Thread({ target: failOnThird })
      thread.start()
      const values = thread.values()
      deepEqual(await values.next(), { value: 1, done: false })
      deepEqual(await values.next(), { value: 2, done: false })
      const error = await rejects(values.next(), { instanceOf: CodedError })
      isThirdValueError(error)
      isThirdValueError(await rejects(thread.join()))
    },
  },

  // --- the pool ---
  {
    name: "pool.stream yields a registered generator's values and pool.run({ stream: true }) the same",
    run: () =>
      withPool({ maxWorkers: 1 }, async (pool) => {
        deepEqual(await collect(pool.stream(countTo, 6)), [0, 1, 2, 3, 4, 5])
        const short = pool.stream(countTo, 1)
        deepEqual(await short.next(), { value: 0, done: false })
        deepEqual(await short.next(), { value: "counted 1", done: true }, "the end carries the generator's return value")
        deepEqual(await collect(pool.run(countToLater, { args: [3], stream: true })), [0, 1, 2])
        const bounded = pool.run(countTo, { args: [50], stream: true, highWaterMark: 2 })
        deepEqual(
          await collect(bounded),
          Array.from({ length: 50 }, (_, i) => i),
        )
      }),
  },
  {
    name: "pool.stream: a consumer that stops after the first value runs the generator's finally and frees the worker",
    run: (environment) =>
      withPool({ maxWorkers: 1 }, async (pool) => {
        const stopped = environment.sharedMemory ? new Event() : undefined
        for await (const value of pool.stream(naturals, stopped)) {
          equal(value, 0)
          break
        }
        if (stopped !== undefined) ok(await stopped.wait({ timeout: 10_000 }), "the generator's finally ran in the worker")
        equal(await pool.submit(square, 9), 81, "the only worker is free again")
      }),
  },
  {
    name: "pool.stream: return() on the iterator ends the stream; later next() calls report done",
    run: () =>
      withPool({ maxWorkers: 1 }, async (pool) => {
        const values = pool.stream(naturals)
        deepEqual(await values.next(), { value: 0, done: false })
        const ended = await values.return?.()
        equal(ended?.done, true)
        equal((await values.next()).done, true)
        equal(await pool.submit(square, 4), 16)
      }),
  },
  {
    name: "pool.stream: an error on the third value rejects next() with the class, message and cause rebuilt",
    run: () =>
      withPool({ maxWorkers: 1 }, async (pool) => {
        const values = pool.stream(failOnThird)
        deepEqual(await values.next(), { value: 1, done: false })
        deepEqual(await values.next(), { value: 2, done: false })
        isThirdValueError(await rejects(values.next(), { instanceOf: CodedError }))
        equal(await pool.submit(square, 5), 25, "the worker survives a generator's error")
      }),
  },
  {
    name: "pool.run({ stream: true, signal }): an abort mid-stream rejects next() with AbortError and stops the generator",
    run: (environment) =>
      withPool({ maxWorkers: 1 }, async (pool) => {
        const controller = new AbortController()
        const stopped = environment.sharedMemory ? new Event() : undefined
        const values = pool.run(naturals, { args: [stopped], stream: true, signal: controller.signal, highWaterMark: 4 })
        deepEqual(await values.next(), { value: 0, done: false })
        const reason = new CancelledError("enough")
        controller.abort(reason)
        // Values already buffered may still arrive; the abort must surface before the stream could end.
        let error: unknown
        for (let i = 0; i < 64 && error === undefined; i++) {
          try {
            const next = await values.next()
            ok(!next.done, "an aborted endless stream does not end quietly")
          } catch (caught) {
            error = caught
          }
        }
        ok(error !== undefined, "next() rejected after the abort")
        equal((error as Error).name, "AbortError")
        equal((error as Error).cause, reason, "the AbortError's cause is the signal's reason")
        if (stopped !== undefined) ok(await stopped.wait({ timeout: 10_000 }), "the generator's finally ran in the worker")
        equal(await pool.submit(square, 6), 36, "the worker is free again")
      }),
  },
  {
    name: "an endless generator is consumed for 10,000 values in order",
    run: () =>
      withPool({ maxWorkers: 1 }, async (pool) => {
        let expected = 0
        for await (const value of pool.run(naturals, { args: [undefined], stream: true, highWaterMark: 64 })) {
          if (value !== expected) equal(value, expected, "values arrive in order, none lost or repeated")
          if (++expected === 10_000) break
        }
        equal(expected, 10_000)
        equal(await pool.submit(square, 7), 49)
      }),
  },
  {
    name: "a stream whose values hold Locks: the caller's copy and the worker's are one lock",
    requires: { sharedMemory: true },
    run: () =>
      withPool({ maxWorkers: 1 }, async (pool) => {
        const gate = new Lock()
        const proceed = new Event()
        ok(gate.tryAcquire())
        const values = pool.stream(lockRelay, gate, proceed)
        const first = await values.next()
        ok(!first.done)
        ok(first.value.lock instanceof Lock, "a Lock arrives as a Lock")
        ok(first.value.locked && first.value.lock.locked(), "the worker saw the caller's hold")
        // Only releasing the received copy lets the generator past its wait for the gate.
        first.value.lock.release()
        const second = await values.next()
        ok(!second.done)
        ok(second.value.locked, "the worker holds its own lock")
        ok(second.value.lock.locked() && !second.value.lock.tryAcquire(), "the caller sees the worker's hold on the lock it made")
        proceed.set()
        deepEqual(await values.next(), { value: "relayed", done: true }, "the end carries the generator's return value")
        ok(!second.value.lock.locked(), "the worker's release is seen through the copy")
        ok(!gate.locked())
      }),
  },

  // --- progress ---
  {
    name: "progress: currentThread().progress(value) reaches onProgress of a Thread and of pool.run, in order, before the result",
    run: () =>
      withPool({ maxWorkers: 1 }, async (pool) => {
        const fromThread: number[] = []
        const thread = new Thread({ target: reportProgress, args: [10], onProgress: (value: unknown) => fromThread.push(value as number) })
        thread.start()
        equal(await thread.join(), "finished")
        deepEqual(fromThread, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        const fromPool: number[] = []
        equal(await pool.run(reportProgress, { args: [7], onProgress: (value: unknown) => fromPool.push(value as number) }), "finished")
        deepEqual(fromPool, [0, 1, 2, 3, 4, 5, 6])
      }),
  },
])
