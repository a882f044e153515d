// Queue: Python's queue.Queue semantics between threads, its codec and its ring buffer.
// The property-based cases (fast-check) compare the queue with a plain array as the model.
import fc from "fast-check"
import { Event, Lock, Queue, QueueEmpty, QueueFull, QueueShutDown, Thread, type FunctionThreadOptions } from "@weft/core"
import { deepEqual, equal, ok, rejects, throws } from "../assert.js"
import { group, type Case } from "../harness.js"
import { consume, consumeAsync, produce, putNow, queueBlockingErrors, type QueueItem } from "../tasks/primitive-tasks.js"

const shared = { sharedMemory: true } as const

function started<A extends readonly unknown[], R>(options: FunctionThreadOptions<A, R>): Thread<R> {
  const thread = new Thread(options)
  thread.start()
  return thread
}

/** Structured-cloneable values the codec must carry. msgpackr writes -0 as 0: left out here and documented. */
const cloneable: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double().filter((d) => !Object.is(d, -0)),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.bigInt(),
      fc.date({ noInvalidDate: true }),
      fc.uint8Array({ maxLength: 40 }),
      fc.float64Array({ maxLength: 8 }).map((a) => a.map((x) => (Object.is(x, -0) ? 0 : x))),
    ),
    fc.array(tie("value"), { maxLength: 5 }),
    fc
      .dictionary(
        fc.string().filter((k) => k !== "__proto__"),
        tie("value"),
        { maxKeys: 5 },
      )
      .map((d) => ({ ...d })),
    fc.array(fc.tuple(fc.oneof(fc.string(), fc.integer()), tie("value")), { maxLength: 4 }).map((entries) => new Map(entries)),
    fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 5 }).map((items) => new Set(items)),
  ),
})).value

const cases: Case[] = [
  {
    name: "Queue: FIFO order, tryPut/tryGet, size/empty/full with maxsize",
    requires: shared,
    run: async () => {
      const q = new Queue<number>({ maxsize: 2 })
      await Queue.ready()
      equal(q.empty(), true)
      equal(q.maxsize, 2)
      deepEqual(q.tryGet(), { ok: false })
      equal(q.tryPut(1), true)
      await q.put(2)
      equal(q.full(), true)
      equal(q.tryPut(3), false)
      equal(q.size(), 2)
      deepEqual(q.tryGet(), { ok: true, value: 1 })
      equal(await q.get(), 2)
      equal(q.empty(), true)
    },
  },
  {
    name: "Queue: a put that times out rejects QueueFull, a get that times out QueueEmpty",
    requires: shared,
    run: async () => {
      const q = new Queue<string>({ maxsize: 1 })
      await q.put("only")
      await rejects(q.put("more", { timeout: 5 }), { instanceOf: QueueFull, name: "QueueFull" })
      equal(await q.get(), "only")
      await rejects(q.get({ timeout: 5 }), { instanceOf: QueueEmpty, name: "QueueEmpty" })
      const controller = new AbortController()
      const pending = q.get({ signal: controller.signal })
      controller.abort(new Error("no more"))
      await rejects(pending, { name: "AbortError" })
      await q.put("after abort")
      equal(await q.get(), "after abort", "an aborted get takes nothing")
    },
  },
  {
    name: "Queue: the blocking faces in a thread throw QueueEmpty, QueueFull, TimeoutError (joinSync), AbortError and QueueShutDown",
    requires: shared,
    run: async () => {
      const q = new Queue<number>({ maxsize: 1 })
      deepEqual(await started({ target: queueBlockingErrors, args: [q] }).join(), [
        "QueueEmpty",
        "ok",
        "QueueFull",
        "AbortError (full)",
        "TimeoutError",
        "AbortError (skip)",
        "ok",
        "QueueShutDown",
        1,
        "QueueShutDown",
      ])
      await rejects(q.put(4), { instanceOf: QueueShutDown })
      throws(() => q.tryGet(), { instanceOf: QueueShutDown })
    },
  },
  {
    name: "Queue: items carry Map, Set, Date, BigInt, typed arrays and nested objects",
    requires: shared,
    run: async () => {
      const q = new Queue<unknown>()
      const item = {
        map: new Map<unknown, unknown>([
          ["a", 1],
          [2, new Set(["x"])],
        ]),
        date: new Date(1234),
        big: 2n ** 80n,
        bytes: new Uint8Array([1, 2, 3]),
        f: new Float64Array([1.5, -2]),
        list: [1, "two", null, { deep: true }],
      }
      await q.put(item)
      deepEqual(await q.get(), item)
    },
  },
  {
    name: "Queue: an item holding shared memory or a primitive throws TypeError; one larger than `bytes` throws RangeError",
    requires: shared,
    run: async () => {
      const q = new Queue<unknown>({ bytes: 64 })
      await Queue.ready()
      throws(() => q.tryPut({ lock: new Lock() }), { instanceOf: TypeError })
      await rejects(q.put([new Int32Array(new SharedArrayBuffer(8))]), { instanceOf: TypeError })
      await rejects(q.put(new Map([["e", new Event()]])), { instanceOf: TypeError })
      throws(() => q.tryPut("y".repeat(100)), { instanceOf: RangeError })
      equal(q.empty(), true)
      throws(() => new Queue({ maxsize: -1 }), { instanceOf: RangeError })
    },
  },
  {
    name: "Queue: a put that does not fit in `bytes` waits like a full queue until a get makes room",
    requires: shared,
    run: async () => {
      const q = new Queue<string>({ bytes: 64 })
      await q.put("a".repeat(30))
      equal(q.tryPut("b".repeat(30)), false, "no room for the second item")
      const waiting = q.put("c".repeat(30))
      equal(await q.get(), "a".repeat(30))
      await waiting
      equal(await q.get(), "c".repeat(30))
    },
  },
  {
    name: "Queue: taskDone()/join(); an extra taskDone() throws RangeError",
    requires: shared,
    run: async () => {
      const q = new Queue<number>()
      throws(() => q.taskDone(), { instanceOf: RangeError })
      await q.put(1)
      await q.put(2)
      let joined = false
      const joining = q.join().then(() => (joined = true))
      await q.get()
      q.taskDone()
      equal(joined, false)
      await q.get()
      q.taskDone()
      await joining
      equal(joined, true)
      throws(() => q.taskDone(), { instanceOf: RangeError })
    },
  },
  {
    name: "Queue: shutdown() stops puts, lets gets drain, then QueueShutDown; for await ends; immediate drops the rest",
    requires: shared,
    run: async () => {
      const q = new Queue<number>()
      await q.put(1)
      await q.put(2)
      const waitingConsumer = new Queue<number>()
      const blocked = waitingConsumer.get()
      q.shutdown()
      await rejects(q.put(3), { instanceOf: QueueShutDown })
      const seen: number[] = []
      for await (const item of q) seen.push(item)
      deepEqual(seen, [1, 2])
      await rejects(q.get(), { instanceOf: QueueShutDown })
      throws(() => q.tryGet(), { instanceOf: QueueShutDown })
      waitingConsumer.shutdown()
      await rejects(blocked, { instanceOf: QueueShutDown, message: /shut-down/ })
      const now = new Queue<number>()
      await now.put(1)
      await now.put(2)
      now.shutdown({ immediate: true })
      await rejects(now.get(), { instanceOf: QueueShutDown })
      await now.join()
    },
  },
  {
    name: "Queue: 3 producer and 2 consumer threads move 6,000 items through a small ring: nothing lost, duplicated or corrupted",
    requires: shared,
    run: async () => {
      const q = new Queue<QueueItem>({ maxsize: 50, bytes: 4096 })
      const consumers = Array.from({ length: 2 }, () => started({ target: consume, args: [q] }))
      const producers = Array.from({ length: 3 }, (_, id) => started({ target: produce, args: [q, id, 2_000] }))
      await Promise.all(producers.map((t) => t.join()))
      await q.join()
      q.shutdown()
      const results = await Promise.all(consumers.map((t) => t.join()))
      const keys = results.flatMap((r) => r.keys)
      equal(keys.length, 6_000)
      equal(new Set(keys).size, 6_000)
      ok(
        results.every((r) => r.intact),
        "every payload arrived intact",
      )
      for (const { keys: mine } of results) {
        const last = new Map<string, number>()
        for (const key of mine) {
          const [producer, seq] = key.split(":")
          ok((last.get(producer) ?? -1) < Number(seq), "each producer's items arrive in order")
          last.set(producer, Number(seq))
        }
      }
    },
  },
  {
    name: "Queue: a thread consumes with for await while this thread puts; a sync put works as the job's first line",
    requires: shared,
    run: async () => {
      const q = new Queue<number>({ maxsize: 4 })
      const consumer = started({ target: consumeAsync, args: [q] })
      for (let i = 0; i < 200; i++) await q.put(i)
      await q.join()
      q.shutdown()
      deepEqual(
        await consumer.join(),
        Array.from({ length: 200 }, (_, i) => i),
      )
      const fresh = new Queue<unknown>()
      equal(await started({ target: putNow, args: [fresh, { first: [1n] }] }).join(), true)
      deepEqual(await fresh.get(), { first: [1n] })
    },
  },
  {
    name: "Queue (property): any structured-cloneable value comes back equal",
    requires: shared,
    run: async () => {
      const q = new Queue<unknown>({ bytes: 1 << 16 })
      await Queue.ready()
      fc.assert(
        fc.property(cloneable, (value) => {
          q.tryPut(value)
          const got = q.tryGet()
          ok(got.ok, "the item is there")
          deepEqual(got.value, value)
        }),
        { numRuns: 300 },
      )
    },
  },
  {
    name: "Queue (property): puts and gets of random sizes wrap around the ring and match an array model",
    requires: shared,
    run: async () => {
      await Queue.ready()
      const op = fc.oneof(fc.record({ put: fc.string({ maxLength: 60 }) }), fc.constant({ get: true as const }))
      fc.assert(
        fc.property(fc.integer({ min: 70, max: 300 }), fc.array(op, { maxLength: 120 }), (bytes, ops) => {
          const q = new Queue<string>({ bytes })
          const model: string[] = []
          for (const step of ops) {
            if ("put" in step) {
              if (q.tryPut(step.put)) model.push(step.put)
              else ok(model.length > 0, "a put fails only when items fill the ring")
            } else {
              const got = q.tryGet()
              if (model.length === 0) equal(got.ok, false)
              else deepEqual(got, { ok: true, value: model.shift() })
            }
            equal(q.size(), model.length)
          }
        }),
        { numRuns: 200 },
      )
    },
  },
]

export const queueCases = group("Queue", cases)
