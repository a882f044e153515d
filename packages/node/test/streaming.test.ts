// Streaming on Node (#17): generator targets for Thread (three styles) and the pool, credits,
// ending early (the generator's finally runs, the worker is free again, a generator that ignores
// the stop is terminated after the grace period), errors mid-stream, abort, timeout, worker death,
// Locks in values, transfer and progress. Threads are synchronised with Events, never sleeps.
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, expectTypeOf, test } from "vitest"
import { CancelledError, Event, Future, Lock, Thread, ThreadExitError, ThreadPool, TimeoutError } from "@weft/node"
import {
  chunks,
  count,
  countAsync,
  Counter,
  double,
  endless,
  exitsMidStream,
  failOnThird,
  ignoresStop,
  lockValues,
  spinsAfterFirst,
  StreamError,
  Ticker,
  withProgress,
  countWithProgress,
} from "./fixtures/stream-tasks.mjs"

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = []
  for await (const value of iterator) values.push(value)
  return values
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error("expected a rejection")
}

describe("types", () => {
  // Compiled (typecheck), never run: join() before start() would throw.
  function typesOnly(): void {
    const thread = new Thread({ target: count, args: [3] })
    expectTypeOf(thread.values()).toEqualTypeOf<AsyncIterableIterator<number, string | undefined, undefined>>()
    expectTypeOf(thread.join()).toEqualTypeOf<Promise<string>>()
    const ticker = new Ticker()
    expectTypeOf(ticker.join()).toEqualTypeOf<Promise<string>>()
    expectTypeOf(ticker[Symbol.asyncIterator]()).toEqualTypeOf<AsyncIterableIterator<string, string | undefined, undefined>>()
    const plain = new Thread({ target: withProgress, args: [1] })
    expectTypeOf(plain.join()).toEqualTypeOf<Promise<string>>()
    const generic = <R>(t: Thread<R>): Promise<R> => t.join()
    expectTypeOf(generic).returns.toEqualTypeOf<Promise<unknown>>()
    const pool = new ThreadPool({ maxWorkers: 1 })
    expectTypeOf(pool.stream(count, 1)).toEqualTypeOf<AsyncIterableIterator<number, string | undefined, undefined>>()
    expectTypeOf(pool.run(countAsync, { args: [1], stream: true })).toEqualTypeOf<
      AsyncIterableIterator<number, string | undefined, undefined>
    >()
    expectTypeOf(pool.run(withProgress, { args: [1], onProgress: (_value: number) => {} })).toEqualTypeOf<Future<string>>()
    // @ts-expect-error: stream() takes a generator function
    pool.stream(double, 1)
    // @ts-expect-error: arguments are checked
    pool.stream(count, "1")
  }

  test("values, return values and progress are typed from the target (checked by tsc)", () => {
    expect(typesOnly).toBeTypeOf("function")
  })
})

describe("Thread with a generator target", () => {
  test("style 1: values() yields the values, join() gives the return value", async () => {
    const thread = new Thread({ target: count, args: [100] })
    thread.start()
    expect(await collect(thread.values())).toEqual([...Array(100).keys()])
    expect(await thread.join()).toBe("counted 100")
  })

  test("an async generator, read with for await (const v of thread)", async () => {
    const thread = new Thread({ target: countAsync, args: [5], highWaterMark: 2 })
    thread.start()
    const values: number[] = []
    for await (const value of thread) values.push(value)
    expect(values).toEqual([0, 1, 2, 3, 4])
    expect(await thread.join()).toBe("counted 5")
  })

  test("style 2: a generator method, its fields written back", async () => {
    const counter = new Counter(3)
    const thread = new Thread({ target: counter, method: "upTo", args: [6] })
    thread.start()
    expect(await collect(thread)).toEqual([3, 4, 5])
    expect(await thread.join()).toBe("upTo")
    expect(counter.start).toBe(6)
  })

  test("style 3: a subclass whose run() is a generator", async () => {
    const thread = new Ticker()
    thread.start()
    expect(await collect(thread)).toEqual(["tick", "tock"])
    expect(await thread.join()).toBe("ticked")
  })

  test("an inline generator target", async () => {
    const thread = new Thread({
      target: function* squares(n: number) {
        for (let i = 1; i <= n; i++) yield i * i
        return n
      },
      args: [4],
    })
    thread.start()
    expect(await collect(thread)).toEqual([1, 4, 9, 16])
    expect(await thread.join()).toBe(4)
  })

  test("an error on the 3rd value rejects next() and join() with the rebuilt error", async () => {
    const thread = new Thread({ target: failOnThird })
    thread.start()
    const iterator = thread.values()
    expect(await iterator.next()).toEqual({ value: 1, done: false })
    expect(await iterator.next()).toEqual({ value: 2, done: false })
    const error = await rejection(iterator.next())
    expect(error).toBeInstanceOf(StreamError)
    expect((error as Error).message).toBe("the third value failed")
    expect((error as Error).cause).toBeInstanceOf(RangeError)
    expect((error as Error).stack).toContain("failOnThird")
    expect((error as Error).stack).toContain("started at")
    expect(await rejection(thread.join())).toBe(error)
    expect(await iterator.next()).toEqual({ value: undefined, done: true })
  })

  test("a reader that stops after the first value closes the generator: its finally runs", async () => {
    const closed = new Event()
    const thread = new Thread({ target: endless, args: [closed] })
    thread.start()
    for await (const value of thread) {
      expect(value).toBe(0)
      break
    }
    expect(await closed.wait({ timeout: 10_000 })).toBe(true)
    await thread.join()
  })

  test("join() without values() drops the values and runs the generator to its end", async () => {
    const thread = new Thread({ target: count, args: [1000], highWaterMark: 4 })
    thread.start()
    expect(await thread.join()).toBe("counted 1000")
  })

  test("onProgress sees every progress() value, in order, before join() settles", async () => {
    const seen: number[] = []
    const thread = new Thread({ target: withProgress, args: [1000], onProgress: (value: number) => seen.push(value) })
    thread.start()
    expect(await thread.join()).toBe("finished")
    expect(seen).toEqual([...Array(1000).keys()])
  })

  test("progress() with nobody listening is harmless", async () => {
    const thread = new Thread({ target: withProgress, args: [100_000] })
    thread.start()
    expect(await thread.join()).toBe("finished")
  })
})

describe("ThreadPool streams", () => {
  test("pool.stream() yields the values; the final result carries the return value", async () => {
    await using pool = new ThreadPool({ maxWorkers: 1 })
    const stream = pool.stream(count, 1000)
    const values: number[] = []
    let result: IteratorResult<number, string | undefined>
    while (!(result = await stream.next()).done) values.push(result.value)
    expect(values).toEqual([...Array(1000).keys()])
    expect(result.value).toBe("counted 1000")
  })

  test("run(target, { stream: true }) with an async generator and a small window", async () => {
    await using pool = new ThreadPool({ maxWorkers: 1 })
    expect(await collect(pool.run(countAsync, { args: [50], stream: true, highWaterMark: 1 }))).toEqual([...Array(50).keys()])
  })

  test("a generator method of an object (style 2) streams from the pool; its fields are written back", async () => {
    await using pool = new ThreadPool({ maxWorkers: 1 })
    const counter = new Counter(2)
    const stream = pool.run(counter, { method: "upTo", args: [5], stream: true })
    expectTypeOf(stream).toEqualTypeOf<AsyncIterableIterator<number, string | undefined, undefined>>()
    expect(await collect(stream)).toEqual([2, 3, 4])
    expect(counter.start).toBe(5)
  })

  test("an endless generator read for 10,000 values, then stopped: its finally runs and the worker is free", async () => {
    await using pool = new ThreadPool({ maxWorkers: 1 })
    const closed = new Event()
    let n = 0
    for await (const value of pool.stream(endless, closed)) {
      expect(value).toBe(n)
      if (++n === 10_000) break
    }
    expect(closed.isSet()).toBe(true) // return() resolved once the generator had stopped
    expect(await pool.submit(double, 21)).toBe(42)
  })

  test("a reader that stops after the first value", async () => {
    await using pool = new ThreadPool({ maxWorkers: 1 })
    const closed = new Event()
    const stream = pool.stream(endless, closed)
    expect(await stream.next()).toEqual({ value: 0, done: false })
    expect(await stream.return!()).toEqual({ value: undefined, done: true })
    expect(closed.isSet()).toBe(true)
    expect(await stream.next()).toEqual({ value: undefined, done: true })
    expect(await pool.submit(double, 2)).toBe(4)
  })

  test("an error on the 3rd value rejects the pending next() with the rebuilt error", async () => {
    await using pool = new ThreadPool({ maxWorkers: 1 })
    const stream = pool.stream(failOnThird)
    expect((await stream.next()).value).toBe(1)
    expect((await stream.next()).value).toBe(2)
    const error = await rejection(stream.next())
    expect(error).toBeInstanceOf(StreamError)
    expect((error as Error).cause).toBeInstanceOf(RangeError)
    expect((error as Error).stack).toContain("failOnThird")
  })

  test("an abort mid-stream rejects with the abort error; the generator's finally runs", async () => {
    await using pool = new ThreadPool({ maxWorkers: 1 })
    const closed = new Event()
    const controller = new AbortController()
    const stream = pool.run(endless, { args: [closed], stream: true, signal: controller.signal, highWaterMark: 4 })
    expect((await stream.next()).value).toBe(0)
    controller.abort(new CancelledError("enough"))
    let error: unknown
    try {
      for (;;) if ((await stream.next()).done) break
    } catch (e) {
      error = e
    }
    expect((error as Error).name).toBe("AbortError")
    expect((error as Error).cause).toBeInstanceOf(CancelledError)
    expect(await closed.wait({ timeout: 10_000 })).toBe(true)
    expect(await pool.submit(double, 1)).toBe(2)
  })

  test("a timeout applies to the whole stream", async () => {
    await using pool = new ThreadPool({ maxWorkers: 1 })
    const started = new Event()
    const stream = pool.run(ignoresStop, { args: [started], stream: true, timeout: 50 })
    expect((await stream.next()).value).toBe(1)
    expect(await rejection(stream.next())).toBeInstanceOf(TimeoutError)
  })

  test("a generator that ignores the stop (awaiting forever) is terminated after the grace period; only it ends", async () => {
    await using pool = new ThreadPool({ maxWorkers: 1, graceMs: 50 })
    const started = new Event()
    const other = pool.submit(double, 5)
    const stream = pool.stream(ignoresStop, started)
    expect((await stream.next()).value).toBe(1)
    expect(await started.wait({ timeout: 10_000 })).toBe(true)
    expect(await stream.return!()).toEqual({ value: undefined, done: true })
    expect(await other).toBe(10)
    expect(await pool.submit(double, 3)).toBe(6)
  })

  test("a generator stuck in a synchronous loop is terminated after the grace period", async () => {
    await using pool = new ThreadPool({ maxWorkers: 1, graceMs: 50 })
    const started = new Event()
    const stream = pool.run(spinsAfterFirst, { args: [started], stream: true, highWaterMark: 1 })
    expect((await stream.next()).value).toBe(1)
    expect(await started.wait({ timeout: 10_000 })).toBe(true)
    await stream.return!()
    expect(await pool.submit(double, 4)).toBe(8)
  })

  test("a worker that exits mid-stream rejects the pending next() with ThreadExitError; other tasks are unaffected", async () => {
    await using pool = new ThreadPool({ maxWorkers: 2 })
    const stream = pool.stream(exitsMidStream)
    const others = Array.from({ length: 20 }, (_, i) => pool.submit(double, i))
    expect((await stream.next()).value).toBe(1)
    expect(await rejection(stream.next())).toBeInstanceOf(ThreadExitError)
    expect(await Promise.all(others)).toEqual(Array.from({ length: 20 }, (_, i) => i * 2))
  })

  test("values that hold a Lock: the same lock on both sides", async () => {
    await using pool = new ThreadPool({ maxWorkers: 1 })
    const lock = new Lock()
    const seen: boolean[] = []
    for await (const { i, lock: received, locked } of pool.run(lockValues, { args: [lock, 4], stream: true, highWaterMark: 1 })) {
      expect(received).toBeInstanceOf(Lock)
      seen.push(locked)
      if (i === 0) expect(received.tryAcquire()).toBe(true)
    }
    // With a window of 1 the generator yields value 2 only after value 1 was read, so after the reader took the lock.
    expect([seen[0], seen[2], seen[3]]).toEqual([false, true, true])
    expect(lock.locked()).toBe(true)
    lock.release()
  })

  test("transfer(value, [buffer]) moves the bytes", async () => {
    await using pool = new ThreadPool({ maxWorkers: 1 })
    const received = await collect(pool.stream(chunks, 3, 1024))
    expect(received.map((bytes) => [bytes.length, bytes[0]])).toEqual([
      [1024, 0],
      [1024, 1],
      [1024, 2],
    ])
  })

  test("onProgress of a pool task, in order, before its Future settles", async () => {
    await using pool = new ThreadPool({ maxWorkers: 1 })
    const seen: number[] = []
    const future = pool.run(withProgress, { args: [500], onProgress: (value: number) => seen.push(value) })
    expect(await future).toBe("finished")
    expect(seen).toEqual([...Array(500).keys()])
  })

  test("a non-generator target in pool.stream() fails with a typed error", async () => {
    await using pool = new ThreadPool({ maxWorkers: 1 })
    const stream = pool.run(double as unknown as typeof count, { args: [1], stream: true })
    const error = await rejection(stream.next())
    expect((error as Error).name).toBe("ThreadTargetError")
  })

  test("a generator submitted without stream: a typed error that says what to use", async () => {
    await using pool = new ThreadPool({ maxWorkers: 1 })
    const error = await rejection(pool.submit(count, 3))
    expect((error as Error).message).toContain("pool.stream(")
  })

  test("a paused reader pauses the generator: it runs ahead by at most highWaterMark", async () => {
    await using pool = new ThreadPool({ maxWorkers: 1 })
    const seen: (number | string)[] = []
    let reachedWindow!: () => void
    const windowFull = new Promise<void>((resolve) => (reachedWindow = resolve))
    const onProgress = (value: number | string): void => {
      seen.push(value)
      if (value === 7) reachedWindow()
    }
    const stream = pool.run(countWithProgress, { stream: true, highWaterMark: 8, onProgress })
    expect((await stream.next()).value).toBe(0)
    await windowFull // values 0..7 were produced: the window is spent, the generator waits for credits
    await stream.return!()
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, "closed at 7"])
  })

  test("a stream left unread and unclosed does not keep the process alive", async () => {
    const file = fileURLToPath(new URL("./fixtures/abandoned-stream.mjs", import.meta.url))
    const child = spawn(process.execPath, [file], { stdio: ["ignore", "pipe", "inherit"] })
    let stdout = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk))
    // A limit, not a measurement: a process that has not exited by then never will.
    const guard = setTimeout(() => child.kill("SIGKILL"), 60_000)
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve))
    clearTimeout(guard)
    expect(stdout.trim()).toBe(JSON.stringify({ value: 0, done: false }))
    expect(code).toBe(0)
  }, 90_000)
})
