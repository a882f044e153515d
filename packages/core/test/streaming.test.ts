// The streaming logic on its own, without workers: the credit window, the reader's buffer, the
// producer's batching and stopping, the transfer marker and progress batches. The driver and the
// reader are wired to each other directly (a batch is delivered on the next task turn, like a
// message), so the tests can count what was produced, sent and read at every step.
import { describe, expect, test } from "vitest"
import { CreditWindow, DEFAULT_HIGH_WATER_MARK, highWaterMarkOf } from "../src/stream/credit-window.js"
import { ProgressBatch } from "../src/stream/progress.js"
import { isGeneratorObject, MAX_BATCH, StreamDriver } from "../src/stream/stream-driver.js"
import { transfer, unwrapTransfer } from "../src/stream/transfer-marker.js"
import { ValueStream } from "../src/stream/value-stream.js"

/** A turn of the event loop, as a message takes. */
const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/** A driver and a reader wired like the two ends of a port; counts batches and the most values in flight. */
function wire(highWaterMark: number) {
  const stats = { produced: 0, batches: 0, sizes: [] as number[], maxAhead: 0, read: 0 }
  let stream!: ValueStream<number, string>
  const driver = new StreamDriver(highWaterMark, (values) => {
    stats.batches++
    stats.sizes.push(values.length)
    const copy = structuredClone(values)
    setTimeout(() => stream.push(copy, false), 0)
  })
  stream = new ValueStream<number, string>(highWaterMark, {
    grant: (n) => setTimeout(() => driver.grant(n), 0),
    stop: () => driver.stop(),
  })
  const track = (): void => {
    stats.produced++
    stats.maxAhead = Math.max(stats.maxAhead, stats.produced - stats.read)
  }
  const read = async (): Promise<IteratorResult<number, string | undefined>> => {
    const result = await stream.next()
    if (!result.done) stats.read++
    return result
  }
  /** Drives `generator`; its end reaches the reader after the values, as the task's result does. */
  const run = (generator: Generator<number, string | undefined, undefined>): Promise<unknown> => {
    const done = driver.drive(generator)
    done.then(
      (value) => setTimeout(() => stream.end({ ok: true, value }), 0),
      (error: unknown) => setTimeout(() => stream.end({ ok: false, error }), 0),
    )
    return done
  }
  return { driver, stream, stats, track, read, run }
}

describe("CreditWindow", () => {
  test("grants half the window at a time", () => {
    const window = new CreditWindow(8)
    const grants = Array.from({ length: 16 }, () => window.read())
    expect(grants).toEqual([0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 4])
  })

  test("a window of 1 (or 3) grants on every read", () => {
    expect(Array.from({ length: 3 }, () => new CreditWindow(1).read())).toEqual([1, 1, 1])
    const three = new CreditWindow(3)
    expect([three.read(), three.read()]).toEqual([1, 1])
  })

  test("highWaterMark: default 64, integers >= 1 only", () => {
    expect(highWaterMarkOf(undefined)).toBe(DEFAULT_HIGH_WATER_MARK)
    expect(DEFAULT_HIGH_WATER_MARK).toBe(64)
    expect(highWaterMarkOf(5)).toBe(5)
    for (const bad of [0, -1, 1.5, Number.NaN, "8"]) expect(() => highWaterMarkOf(bad)).toThrow(RangeError)
  })
})

describe("StreamDriver and ValueStream together", () => {
  test("a slow reader: the generator never runs ahead by more than highWaterMark", async () => {
    const { run, stats, track, read } = wire(8)
    const done = run(
      (function* () {
        for (let i = 0; i < 200; i++) {
          track()
          yield i
        }
        return "end"
      })(),
    )
    const values: number[] = []
    for (;;) {
      const result = await read()
      if (result.done) {
        expect(result.value).toBe("end")
        break
      }
      values.push(result.value)
      await turn() // a slow reader
      await turn()
    }
    expect(values).toEqual([...Array(200).keys()])
    expect(await done).toBe("end")
    // produced - read counts the value being produced, so the bound is the window plus that one
    expect(stats.maxAhead).toBeLessThanOrEqual(8 + 1)
  })

  test("a reader that keeps up gets batches, not one message per value", async () => {
    const { run, stats, read } = wire(64)
    const done = run(
      (function* () {
        for (let i = 0; i < 10_000; i++) yield i
        return "end"
      })(),
    )
    let n = 0
    while (!(await read()).done) n++
    expect(n).toBe(10_000)
    expect(await done).toBe("end")
    expect(stats.batches).toBeLessThan(10_000 / 10)
    expect(Math.max(...stats.sizes)).toBeLessThanOrEqual(64)
  })

  test("a paused reader pauses the generator (it waits for credits, it does not spin)", async () => {
    const { driver, stats, track, read } = wire(4)
    void driver.drive(
      (function* () {
        for (let i = 0; ; i++) {
          track()
          yield i
        }
      })(),
    )
    await read()
    for (let i = 0; i < 20; i++) await turn()
    expect(stats.produced).toBe(4) // the window, then it waits for credits
    driver.stop()
  })

  test("return(): the generator's finally runs and next() says done", async () => {
    const { driver, stream, read } = wire(4)
    let closed = false
    const done = driver.drive(
      (function* () {
        try {
          for (let i = 0; ; i++) yield i
        } finally {
          closed = true
        }
      })(),
    )
    expect((await read()).value).toBe(0)
    await stream.return()
    expect(await done).toBe(undefined)
    expect(closed).toBe(true)
    expect(await stream.next()).toEqual({ value: undefined, done: true })
  })

  test("an error after some values: the values first, then the error; then done", async () => {
    const sent: unknown[][] = []
    const driver = new StreamDriver(64, (values) => sent.push(values))
    const failure = new Error("third")
    const done = driver.drive(
      (function* () {
        yield 1
        yield 2
        throw failure
      })(),
    )
    await expect(done).rejects.toBe(failure)
    expect(sent.flat()).toEqual([1, 2])
    const stream = new ValueStream(64, { grant: () => {}, stop: () => {} })
    stream.push([1, 2], false)
    stream.end({ ok: false, error: failure })
    expect(await stream.next()).toEqual({ value: 1, done: false })
    expect(await stream.next()).toEqual({ value: 2, done: false })
    await expect(stream.next()).rejects.toBe(failure)
    expect(await stream.next()).toEqual({ value: undefined, done: true })
  })

  test("a value that cannot be sent: a TypeError saying so, and the generator is closed", async () => {
    let closed = false
    const driver = new StreamDriver(1, (values) => void structuredClone(values))
    const done = driver.drive(
      (function* () {
        try {
          yield () => "a function cannot be cloned"
          yield 2
        } finally {
          closed = true
        }
      })(),
    )
    await expect(done).rejects.toThrow(/cannot be sent to its consumer/)
    expect(closed).toBe(true)
  })

  test("an async generator that awaits something real: what it yielded goes out first", async () => {
    const sent: unknown[][] = []
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const driver = new StreamDriver(64, (values) => sent.push(values))
    const done = driver.drive(
      (async function* () {
        yield "first"
        yield "second"
        yield "third"
        await gate
        yield "after"
      })(),
    )
    for (let i = 0; i < 10 && sent.flat().length < 3; i++) await turn()
    expect(sent.flat()).toEqual(["first", "second", "third"])
    release()
    await done
    expect(sent.flat()).toEqual(["first", "second", "third", "after"])
  })

  test("a fast sync generator fills batches up to MAX_BATCH", async () => {
    const sent: unknown[][] = []
    const driver = new StreamDriver(10_000, (values) => sent.push(values))
    await driver.drive(
      (function* () {
        for (let i = 0; i < 5000; i++) yield i
      })(),
    )
    expect(sent.flat().length).toBe(5000)
    expect(Math.max(...sent.map((batch) => batch.length))).toBe(MAX_BATCH)
    expect(sent.length).toBeLessThan(5000 / 100)
  })

  test("join() without a reader: discard() drops values and grants credits as they come", async () => {
    const grants: number[] = []
    const stream = new ValueStream(4, { grant: (n) => grants.push(n), stop: () => {} })
    stream.push([1, 2], false)
    stream.discard()
    stream.push([3, 4, 5, 6], false)
    expect(grants.reduce((a, b) => a + b, 0)).toBe(6)
    stream.end({ ok: true, value: "end" })
    expect(await stream.next()).toEqual({ value: "end", done: true })
  })
})

describe("transfer() and progress batches", () => {
  test("transfer() marks a value; the driver unwraps it and moves its buffers", () => {
    const bytes = new Uint8Array(8)
    const marked = transfer(bytes, [bytes.buffer])
    const list: object[] = []
    expect(unwrapTransfer(marked, list)).toBe(bytes)
    expect(list).toEqual([bytes.buffer])
    expect(unwrapTransfer({ plain: true }, list)).toEqual({ plain: true })
    expect(() => transfer(bytes, bytes.buffer as unknown as object[])).toThrow(TypeError)
  })

  test("isGeneratorObject: generators and async generators only", () => {
    expect(isGeneratorObject((function* () {})())).toBe(true)
    expect(isGeneratorObject((async function* () {})())).toBe(true)
    expect(isGeneratorObject([1][Symbol.iterator]())).toBe(false)
    expect(isGeneratorObject({ next() {} })).toBe(false)
  })

  test("progress values go out in batches, in order, and all before close() returns", async () => {
    const sent: unknown[][] = []
    const batch = new ProgressBatch((values) => sent.push(values))
    for (let i = 0; i < 1000; i++) batch.push(i)
    batch.close()
    batch.push("after close") // dropped: the task has ended
    await turn()
    expect(sent.flat()).toEqual([...Array(1000).keys()])
    expect(sent.length).toBeLessThan(1000 / 100)
  })

  test("an async task's progress goes out at its next await", async () => {
    const sent: unknown[][] = []
    const batch = new ProgressBatch((values) => sent.push(values))
    batch.push("started")
    await null
    expect(sent).toEqual([["started"]])
  })
})
