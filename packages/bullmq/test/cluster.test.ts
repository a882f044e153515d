// ClusterPool against a real Redis and real serving processes (weft-serve), including faults.
import { randomUUID } from "node:crypto"
import { existsSync, rmSync } from "node:fs"
import { Queue, QueueEvents, QueueEventsProducer } from "bullmq"
import { Redis } from "ioredis"
import { nowhere, square, slowSquare } from "./tasks.js"
import { CancelledError, Lock, RuntimeError, ThreadExitError, ThreadTargetError, TimeoutError, type Future } from "@weft/node"
import { afterEach, describe, expect, inject, test } from "vitest"
import { registrationOf, serializeThrown } from "@weft/core/adapter"
import { ClusterPool } from "../src/index.js"
import { CANCEL_EVENT, cancelQueueName } from "../src/job-data.js"
import { encodeValue } from "../src/wire.js"
// serve() starts its queue thread from the built entry next to it: the in-process test uses dist.
import { serve } from "../dist/index.js"
import {
  exitOrName,
  killServer,
  returnShared,
  sendBack,
  spinIgnoringStop,
  spinUntilStopped,
  stuckOnServer,
  stuckOnServerElseWhere,
  whereAmI,
} from "./fixtures/cluster-tasks.mjs"
import { startRedis } from "./redis.mjs"
import { clusterTasks, runCleanup, startServer, type ServerProcess } from "./servers.js"
import { callerOnly, importMark } from "./fixtures/caller-only-tasks.mjs"

const port = inject("redisPort")
const connection = { host: "127.0.0.1", port }
const cleanup: (() => Promise<unknown>)[] = []

afterEach(async () => {
  await runCleanup(cleanup.splice(0).reverse())
})

function newQueue(): string {
  return `cluster-${randomUUID()}`
}

function pool(queue: string, options: Partial<ConstructorParameters<typeof ClusterPool>[0]> = {}): ClusterPool {
  const created = new ClusterPool({ connection, queue, ...options })
  cleanup.push(() => created.shutdown({ cancelFutures: true }))
  return created
}

async function servers(
  count: number,
  queue: string,
  options: { maxWorkers?: number; extra?: string[]; redisPort?: number } = {},
): Promise<ServerProcess[]> {
  const started = await Promise.all(
    Array.from({ length: count }, () =>
      startServer({ port: options.redisPort ?? port, queue, maxWorkers: options.maxWorkers ?? 2, extra: options.extra }),
    ),
  )
  for (const server of started) cleanup.push(() => server.stop("SIGKILL"))
  return started
}

/** Polls a condition that has no event to wait on (a job's state in Redis); never a fixed sleep. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 10))
}

/** Counts the queue's "stalled" events (jobs whose server died, put back for another). */
function watchStalls(queue: string): { count(): number } {
  let stalled = 0
  const events = new QueueEvents(queue, { connection: new Redis({ ...connection, maxRetriesPerRequest: null }), lastEventId: "0-0" })
  events.on("stalled", () => void stalled++)
  events.on("error", () => {})
  cleanup.push(() => events.close())
  return { count: () => stalled }
}

// Short locks so a dead server's jobs are noticed within seconds rather than BullMQ's 30 s.
const fastStalls = ["--lock-duration", "3000", "--stalled-interval", "1000"]

describe("ClusterPool on two serving processes (2 threads each)", () => {
  test("a 10,000-task flood: every future settles once with its own value; SIGKILL of a server mid-flood loses nothing", async () => {
    const queue = newQueue()
    const [doomed, survivor] = await servers(2, queue, { extra: fastStalls })
    const stalls = watchStalls(queue)
    const cluster = pool(queue)
    const n = 10_000
    let settled = 0
    let killedAt = -1
    const futures: Future<number>[] = []
    for (let i = 0; i < n; i++) {
      const future = cluster.submit(slowSquare, i)
      future.addDoneCallback(() => {
        settled++
        if (settled === 2000) {
          killedAt = settled
          doomed!.child.kill("SIGKILL")
        }
      })
      futures.push(future)
    }
    const progress = setInterval(() => console.log(`flood: ${settled} settled`), 5000)
    const values = await Promise.all(futures).finally(() => clearInterval(progress))
    for (let i = 0; i < n; i++) if (values[i] !== i * i) expect.fail(`future ${i} settled with ${values[i]}`)
    expect(settled).toBe(n)
    expect(killedAt).toBe(2000)
    expect(await doomed!.exited).toBe("SIGKILL")
    // The dead server held jobs: they stalled and the survivor ran them.
    expect(stalls.count()).toBeGreaterThan(0)
    expect(survivor!.child.exitCode).toBe(null)
    const stats = await cluster.stats()
    expect(stats.pending).toBe(0)
    expect(stats.failed).toBe(0)
    expect(stats.completed).toBe(n)
  })

  test("a job whose server dies on every attempt rejects ThreadExitError once maxStalledCount is spent", async () => {
    const queue = newQueue()
    const first = await servers(2, queue, { maxWorkers: 1, extra: [...fastStalls, "--max-stalled", "1"] })
    const cluster = pool(queue)
    const doomed = cluster.submit(killServer)
    // Both servers die: the first running it, the second running the retry.
    expect(await first[0]!.exited).toBe("SIGKILL")
    expect(await first[1]!.exited).toBe("SIGKILL")
    expect(doomed.done()).toBe(false)
    // A third server finds the job stalled a second time and fails it without running it.
    await servers(1, queue, { maxWorkers: 1, extra: [...fastStalls, "--max-stalled", "1"] })
    const error = (await doomed.exception()) as Error
    expect(error).toBeInstanceOf(ThreadExitError)
    expect(error.message).toMatch(/stalled more than allowable limit/)
    expect(error.stack).toMatch(/submitted at/)
    // The third server is healthy.
    expect(await cluster.submit(square, 12)).toBe(144)
  })
})

/**
 * Submits `run()` until its job has run on the server's queue thread `inARow` times in a row (its
 * key is then known to be tiny, and those are its recent runs); at most `tries` times.
 */
async function untilOnQueueThread(run: () => Promise<string>, inARow = 1, tries = 200): Promise<string[]> {
  const seen: string[] = []
  while (seen.length < tries) {
    seen.push(await run())
    if (seen.length >= inARow && seen.slice(-inARow).every((thread) => thread.endsWith(":queue"))) return seen
  }
  throw new Error(`never ran on the queue thread in ${tries} tries: ${[...new Set(seen)].join(", ")}`)
}

describe("where a server runs a job", () => {
  test("a task known to be tiny runs on the queue thread; a new or slow one, or one with a signal or timeout, on the pool", async () => {
    const queue = newQueue()
    await servers(1, queue)
    const cluster = pool(queue)
    const seen = await untilOnQueueThread(async () => (await cluster.submit(whereAmI, 0)).thread)
    expect(seen[0]).not.toMatch(/:queue$/) // never seen: on the pool, which measures it
    // Still on the pool: what may be stopped, and a map chunk.
    const signal = new AbortController().signal
    expect((await cluster.run(whereAmI, { args: [0], signal })).thread).not.toMatch(/:queue$/)
    expect((await cluster.run(whereAmI, { args: [0], timeout: 60_000 })).thread).not.toMatch(/:queue$/)
    const chunked = cluster.map(whereAmI, [0, 0], { chunksize: 2 })
    for await (const place of chunked) expect(place.thread).not.toMatch(/:queue$/)
    // One slow run on the queue thread (50 ms, as a run the scheduler preempted looks) leaves the
    // key there: its next job decides by the median of the last three runs. Tried up to 5 times,
    // warm each time (the forwarded jobs above set the key to the pool's figure), since on a busy
    // machine one of the two no-op runs beside it can be slow too (a GC, the JIT recompiling
    // after a long run). An average, as before, sent the next job to the pool every time.
    let stayed = false
    for (let attempt = 0; attempt < 5 && !stayed; attempt++) {
      await untilOnQueueThread(async () => (await cluster.submit(whereAmI, 0)).thread, 10)
      if (!(await cluster.submit(whereAmI, 50)).thread.endsWith(":queue")) continue
      stayed = (await cluster.submit(whereAmI, 0)).thread.endsWith(":queue")
    }
    expect(stayed).toBe(true)
    // A second slow run within three sends the key's next job to the pool, which measures it.
    await cluster.submit(whereAmI, 50)
    expect((await cluster.submit(whereAmI, 0)).thread).not.toMatch(/:queue$/)
  })

  test("a tiny task that ends the queue thread: only its job rejects ThreadExitError; the server serves on", async () => {
    const queue = newQueue()
    await servers(1, queue)
    const cluster = pool(queue)
    await untilOnQueueThread(() => cluster.submit(exitOrName, false))
    const others = Array.from({ length: 20 }, (_, i) => cluster.submit(square, i))
    const culprit = cluster.submit(exitOrName, true)
    const error = (await culprit.exception()) as ThreadExitError
    expect(error).toBeInstanceOf(ThreadExitError)
    expect(error.exitCode).toBe(3)
    expect(error.stack).toMatch(/submitted at/)
    expect(await Promise.all(others)).toEqual(Array.from({ length: 20 }, (_, i) => i * i))
    expect(await cluster.submit(square, 9)).toBe(81)
    expect((await cluster.stats()).failed).toBe(1)
  })

  test("serve() in a process of your own, given an ioredis client: its queue thread connects with that client's options; close() ends it", async () => {
    const queue = newQueue()
    // A function-valued option cannot go to a thread: the queue thread connects without it.
    const client = new Redis({ ...connection, maxRetriesPerRequest: null, retryStrategy: () => 100 })
    cleanup.push(async () => client.disconnect())
    const server = serve({ connection: client, queue, modules: [clusterTasks], maxWorkers: 1 })
    cleanup.push(() => server.close())
    await server.ready
    const cluster = pool(queue)
    expect(await cluster.submit(sendBack, { n: 1 })).toEqual({ n: 1 })
    await untilOnQueueThread(async () => (await cluster.submit(whereAmI, 0)).thread)
    await server.close()
    expect(client.status).toBe("ready") // the caller's client is its own: serve() never closes it
    const late = cluster.submit(sendBack, 2)
    const jobs = new Queue(queue, { connection: new Redis({ ...connection, maxRetriesPerRequest: null }) })
    cleanup.push(() => jobs.close())
    await until(async () => (await jobs.getWaitingCount()) === 1) // no server takes it any more
    expect(late.done()).toBe(false)
  })

  test("SIGTERM while a tiny task is stuck on the queue thread: the server still exits, and the job goes back to the queue", async () => {
    const queue = newQueue()
    const [first] = await servers(1, queue, { maxWorkers: 1, extra: ["--close-timeout", "300", "--grace-ms", "200"] })
    const cluster = pool(queue)
    await untilOnQueueThread(async () => (await cluster.submit(stuckOnServerElseWhere, 0)).thread)
    const moved = cluster.submit(stuckOnServerElseWhere, first!.pid)
    await until(() => moved.running())
    expect(await first!.stop("SIGTERM")).toBe(0)
    expect(moved.done()).toBe(false)
    const [second] = await servers(1, queue, { maxWorkers: 1 })
    expect((await moved).pid).toBe(second!.pid)
  })
})

describe("shutting a server down", () => {
  test("SIGTERM: a job that outlives --close-timeout is stopped (its thread terminated) and handed back to the queue; another server runs it", async () => {
    const queue = newQueue()
    const [first] = await servers(1, queue, { maxWorkers: 1, extra: ["--close-timeout", "300", "--grace-ms", "200"] })
    const cluster = pool(queue)
    const moved = cluster.submit(stuckOnServer, first!.pid)
    await until(() => moved.running())
    // Worker.close() alone would wait for the job forever.
    expect(await first!.stop("SIGTERM")).toBe(0)
    expect(moved.done()).toBe(false)
    const [second] = await servers(1, queue, { maxWorkers: 1 })
    expect(await moved).toBe(second!.pid)
  })
})

describe("cancel, signal and timeout", () => {
  test("a cancellation that reaches a server before its job does still stops the job when it arrives", async () => {
    const queue = newQueue()
    await servers(1, queue, { maxWorkers: 1, extra: ["--grace-ms", "200"] })
    const cluster = pool(queue)
    // The race, made certain: the cancellation of job "early-1" is published before the job exists.
    const producer = new QueueEventsProducer(cancelQueueName(queue), {
      connection: new Redis({ ...connection, maxRetriesPerRequest: null }),
    })
    cleanup.push(() => producer.close())
    const reason = encodeValue(serializeThrown(new RuntimeError("stopped before it arrived")))
    await producer.publishEvent({ eventName: CANCEL_EVENT, jobId: "early-1", reason })
    // A running job's cancellation, published after it: once its thread is free again (the next
    // task runs on the server's only thread), the server has read both, in order.
    const controller = new AbortController()
    const running = cluster.run(spinUntilStopped, { signal: controller.signal })
    await until(() => running.running())
    controller.abort("next")
    expect(await cluster.submit(square, 4)).toBe(16)
    // Now the job arrives, as a ClusterPool adds a stoppable one.
    const jobs = new Queue(queue, { connection: new Redis({ ...connection, maxRetriesPerRequest: null }) })
    const events = new QueueEvents(queue, { connection: new Redis({ ...connection, maxRetriesPerRequest: null }), lastEventId: "0-0" })
    cleanup.push(
      () => jobs.close(),
      () => events.close(),
    )
    await events.waitUntilReady()
    const { key, url } = registrationOf(spinUntilStopped)!
    const job = await jobs.add(key, { key, url, args: encodeValue([]), stoppable: true }, { jobId: "early-1" })
    await expect(job.waitUntilFinished(events)).rejects.toThrow(/stopped before it arrived/)
  })

  test("a queued job: cancel() is true and removes it; an aborted signal removes it and rejects AbortError", async () => {
    const queue = newQueue() // no server: jobs stay queued
    const cluster = pool(queue)
    const jobs = new Queue(queue, { connection: new Redis({ ...connection, maxRetriesPerRequest: null }) })
    cleanup.push(() => jobs.close())
    const cancelled = cluster.submit(square, 2)
    const controller = new AbortController()
    const aborted = cluster.run(square, { args: [3], signal: controller.signal })
    const kept = cluster.submit(square, 4)
    await until(async () => (await jobs.getWaitingCount()) === 3)
    expect(cancelled.cancel()).toBe(true)
    expect(cancelled.cancelled()).toBe(true)
    await expect(cancelled.result()).rejects.toBeInstanceOf(CancelledError)
    controller.abort(new Error("not needed"))
    const error = (await aborted.exception()) as Error & { cause?: unknown }
    expect(error.name).toBe("AbortError")
    expect((error.cause as Error).message).toBe("not needed")
    await until(async () => (await jobs.getWaitingCount()) === 1)
    expect((await jobs.getWaiting()).map((job) => job.data.key)).toEqual(["square"])
    // A server that starts now runs only the job that was kept.
    await servers(1, queue, { maxWorkers: 1 })
    expect(await kept).toBe(16)
    expect((await cluster.stats()).completed).toBe(1)
    await expect(cluster.run(square, { args: [1], signal: AbortSignal.abort("early") })).rejects.toMatchObject({ name: "AbortError" })
  })

  test("a running job: cancel() is false; its signal stops it on its thread, a task that ignores it is terminated after graceMs", async () => {
    const queue = newQueue()
    await servers(1, queue, { maxWorkers: 1, extra: ["--grace-ms", "200"] })
    const cluster = pool(queue)
    const controller = new AbortController()
    const polite = cluster.run(spinUntilStopped, { signal: controller.signal })
    await until(() => polite.running())
    expect(polite.cancel()).toBe(false)
    controller.abort("enough")
    await expect(polite).rejects.toMatchObject({ name: "AbortError" })
    // The server's single thread is free again: the next task runs.
    expect(await cluster.submit(square, 5)).toBe(25)
    const stubbornController = new AbortController()
    const stubborn = cluster.run(spinIgnoringStop, { signal: stubbornController.signal })
    await until(() => stubborn.running())
    stubbornController.abort()
    await expect(stubborn).rejects.toMatchObject({ name: "AbortError" })
    // Its thread was terminated after graceMs and replaced: the server goes on.
    expect(await cluster.submit(square, 6)).toBe(36)
  })

  test("timeout counts from the task's start on its server and rejects TimeoutError", async () => {
    const queue = newQueue()
    await servers(1, queue, { maxWorkers: 1, extra: ["--grace-ms", "200"] })
    const cluster = pool(queue)
    const error = (await cluster.run(spinUntilStopped, { timeout: 100 }).exception()) as Error
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error.stack).toMatch(/submitted at/)
    const stuck = (await cluster.run(spinIgnoringStop, { timeout: 100 }).exception()) as Error
    expect(stuck).toBeInstanceOf(TimeoutError)
    expect(await cluster.submit(square, 7)).toBe(49)
  })
})

describe("what crosses", () => {
  test("submit() refuses what cannot go through Redis, naming args[i]; a bad result fails its task", async () => {
    const queue = newQueue()
    const cluster = pool(queue)
    const send = sendBack as (...args: unknown[]) => unknown
    expect(() => cluster.submit(send, 1, new SharedArrayBuffer(8))).toThrow(/args\[1\] is a SharedArrayBuffer/)
    expect(() => cluster.submit(send, { data: new Int32Array(new SharedArrayBuffer(8)) })).toThrow(
      /args\[0\]\.data is a Int32Array over shared memory/,
    )
    expect(() => cluster.submit(send, 1, 2, new Lock())).toThrow(/args\[2\] is a weft Lock, a shared-memory primitive/)
    expect(() => cluster.submit(send, () => 1)).toThrow(/args\[0\] is a function/)
    expect(() =>
      cluster.submit(
        send,
        new (class Point {
          x = 1
        })(),
      ),
    ).toThrow(/args\[0\] is an instance of Point/)
    expect(() => cluster.submit(send, new Map([["k", Symbol("s")]]))).toThrow(/args\[0\]\.get\("k"\) is a symbol/)
    expect(() => cluster.submit((n: number) => n, 1)).toThrow(ThreadTargetError)
    expect(() => cluster.submit((n: number) => n, 1)).toThrow(/threadable\(import\.meta\.url/)
    await servers(1, queue, { maxWorkers: 1 })
    const rich = {
      when: new Date(5),
      tags: new Set(["a"]),
      table: new Map([[1, { deep: [1n << 70n, undefined, null] }]]),
      bytes: new Uint8Array([1, 2, 3]),
      re: /x+/g,
    }
    expect(await cluster.submit(send, rich)).toEqual(rich)
    const refused = (await cluster.submit(returnShared).exception()) as Error
    expect(refused).toBeInstanceOf(TypeError)
    expect(refused.message).toMatch(/the result\.flags is a Int32Array over shared memory/)
  })

  test("a task no server registered rejects ThreadTargetError naming the key and serve({ modules })", async () => {
    const queue = newQueue()
    await servers(1, queue, { maxWorkers: 1 })
    const cluster = pool(queue)
    const error = (await cluster.submit(nowhere, 1).exception()) as Error
    expect(error).toBeInstanceOf(ThreadTargetError)
    expect(error.message).toMatch(/"identityOnlyHere"/)
    expect(error.message).toMatch(/modules/)
  })

  test("a job never makes a server import the caller's module, even one on the server's disk", async () => {
    const queue = newQueue()
    const [server] = await servers(1, queue, { maxWorkers: 1 })
    cleanup.push(async () => {
      for (const pid of [process.pid, server!.pid]) rmSync(importMark(pid), { force: true })
    })
    const cluster = pool(queue)
    const error = (await cluster.submit(callerOnly, 1).exception()) as Error
    expect(error).toBeInstanceOf(ThreadTargetError)
    expect(error.message).toMatch(/"callerOnly"/)
    expect(existsSync(importMark(process.pid))).toBe(true) // the caller did import it: the mark works
    expect(existsSync(importMark(server!.pid))).toBe(false)
  })
})

describe("Redis going away", () => {
  test("Redis restarted mid-run (data kept): every pending future settles once it is back", async () => {
    const redis = await startRedis()
    cleanup.push(() => redis.stop())
    const queue = newQueue()
    await servers(2, queue, { redisPort: redis.port, extra: fastStalls })
    const cluster = new ClusterPool({ connection: { host: "127.0.0.1", port: redis.port }, queue, reconcileInterval: 1000 })
    cleanup.push(() => cluster.shutdown({ cancelFutures: true }))
    let settled = 0
    let restarted: Promise<void> | undefined
    const futures = Array.from({ length: 400 }, (_, i) => {
      const future = cluster.submit(slowSquare, i)
      future.addDoneCallback(() => {
        if (++settled === 50) restarted = redis.restart()
      })
      return future
    })
    const values = await Promise.all(futures)
    expect(values).toEqual(Array.from({ length: 400 }, (_, i) => i * i))
    expect(restarted).toBeDefined()
    await restarted
  })

  test("Redis gone for longer than reconnectTimeout: pending futures reject, new tasks are refused", async () => {
    const redis = await startRedis()
    cleanup.push(() => redis.stop())
    const queue = newQueue() // no server: the job stays pending
    const cluster = new ClusterPool({ connection: { host: "127.0.0.1", port: redis.port }, queue, reconnectTimeout: 300 })
    cleanup.push(() => cluster.shutdown({ wait: false, cancelFutures: true }))
    const pending = cluster.submit(square, 3)
    await until(async () => (await cluster.stats()).queued === 1)
    await redis.stop()
    const error = (await pending.exception()) as Error
    expect(error).toBeInstanceOf(RuntimeError)
    expect((error.cause as Error).message).toMatch(/reconnectTimeout/)
    expect(() => cluster.submit(square, 1)).toThrow(/lost its connection to Redis/)
  })
})
