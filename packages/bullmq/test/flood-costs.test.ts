// What a ClusterPool skips to stay cheap per job, and that skipping it changes no outcome:
// submit() sites during floods ("auto", as ThreadPool), reconciliation in one round trip, and a
// pending task's encoded arguments once its job is in Redis.
import { randomUUID } from "node:crypto"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { Queue } from "bullmq"
import { Redis } from "ioredis"
import { failCoded } from "../../conformance/src/tasks/pool-tasks.js"
import { RuntimeError } from "@weft/node"
import { afterEach, describe, expect, inject, test } from "vitest"
import { ClusterPool } from "../src/index.js"
import { runCleanup, startServer } from "./servers.js"
import { square } from "./tasks.js"

const port = inject("redisPort")
const connection = { host: "127.0.0.1", port }
const cleanup: (() => Promise<unknown>)[] = []

afterEach(async () => {
  await runCleanup(cleanup.splice(0).reverse())
})

function pool(queue: string, options: Partial<ConstructorParameters<typeof ClusterPool>[0]> = {}): ClusterPool {
  const created = new ClusterPool({ connection, queue, ...options })
  cleanup.push(() => created.shutdown({ cancelFutures: true }))
  return created
}

// A full collection before reading the heap, so what it holds is what is still referenced.
setFlagsFromString("--expose-gc")
const collectGarbage = runInNewContext("gc") as () => void

/**
 * A ClusterPool whose queue client (a duplicate of the client given) holds back the replies of
 * its scripts, the add among them, until `release()`: what a job does meanwhile happens before
 * the pool learns that its add is done, as now and then in a flood.
 */
function heldAdds(queue: string): { cluster: ClusterPool; release: () => void } {
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  const base = new Redis({ ...connection, maxRetriesPerRequest: null, lazyConnect: true })
  const duplicate = base.duplicate.bind(base)
  base.duplicate = (override) => {
    const client = duplicate(override)
    if (override?.connectionName?.endsWith(":queue")) {
      const send = client.sendCommand.bind(client)
      client.sendCommand = ((command: Parameters<Redis["sendCommand"]>[0], stream?: never) => {
        const reply = send(command, stream) as Promise<unknown>
        return command.name === "eval" || command.name === "evalsha" ? reply.then((value) => released.then(() => value)) : reply
      }) as Redis["sendCommand"]
    }
    return client
  }
  const cluster = new ClusterPool({ connection: base, queue })
  cleanup.push(() => cluster.shutdown({ cancelFutures: true }))
  return { cluster, release }
}

describe("ClusterPool per-job costs", () => {
  test("a pending task lets go of its encoded arguments once its job is in Redis", async () => {
    // No server: the jobs stay queued and their futures pending for the whole test.
    const cluster = pool(`costs-${randomUUID()}`)
    const jobs = 40
    const size = 256 * 1024
    collectGarbage()
    const before = process.memoryUsage().heapUsed
    const futures = Array.from({ length: jobs }, (_, i) => cluster.submit(square, `${i}`.padEnd(size, "x") as never))
    while ((await cluster.stats()).queued < jobs) {}
    // The pool learns its adds are done in microtasks that end before the next I/O turn.
    await new Promise((resolve) => setImmediate(resolve))
    collectGarbage()
    const held = process.memoryUsage().heapUsed - before
    // Holding them would be jobs × size bytes (10 MiB); a pending task itself is a few hundred bytes.
    expect(held).toBeLessThan((jobs * size) / 4)
    expect(futures.every((future) => !future.done())).toBe(true)
  })

  test("captureStacks 'auto' (the default) records submit() sites while fewer than 64 tasks are pending, true always", async () => {
    const queue = `costs-${randomUUID()}`
    const server = await startServer({ port, queue })
    cleanup.push(() => server.stop("SIGKILL"))
    const flood = async (cluster: ClusterPool) => {
      const futures = Array.from({ length: 70 }, (_, i) => cluster.submit(failCoded, `task ${i}`))
      const errors = (await Promise.all(futures.map((future) => future.exception()))) as Error[]
      for (const [i, error] of errors.entries()) expect(error.message).toBe(`task ${i}`)
      return errors.map((error) => /submitted at/.test(error.stack ?? ""))
    }
    const auto = await flood(pool(queue))
    expect(auto.slice(0, 64)).toEqual(Array(64).fill(true))
    expect(auto.slice(64)).toEqual(Array(6).fill(false))
    expect(await flood(pool(queue, { captureStacks: true }))).toEqual(Array(70).fill(true))
  })

  test("a job a server finished before its add's reply arrived stays in Redis; a job cancelled meanwhile is taken out", async () => {
    const queue = `costs-${randomUUID()}`
    const server = await startServer({ port, queue })
    cleanup.push(() => server.stop("SIGKILL"))
    const finishing = heldAdds(queue)
    expect(await finishing.cluster.submit(square, 7)).toBe(49)
    finishing.release()
    await finishing.cluster.shutdown() // waits for the queue client's pending commands, a removal among them
    const idle = `costs-${randomUUID()}` // no server: the job stays queued until the pool takes it out
    const cancelling = heldAdds(idle)
    const cancelled = cancelling.cluster.submit(square, 8)
    await new Promise((resolve) => setImmediate(resolve)) // the add is sent; its reply is held
    expect(cancelled.cancel()).toBe(true)
    cancelling.release()
    await cancelling.cluster.shutdown()
    const counts = async (name: string) => {
      const jobs = new Queue(name, { connection: new Redis({ ...connection, maxRetriesPerRequest: null }) })
      cleanup.push(() => jobs.close())
      return jobs.getJobCounts("completed", "waiting")
    }
    expect(await counts(queue)).toEqual({ completed: 1, waiting: 0 })
    expect(await counts(idle)).toEqual({ completed: 0, waiting: 0 })
  })

  test("a job removed from Redis by hand: reconciliation rejects its future, other jobs stay pending", async () => {
    const queue = `costs-${randomUUID()}` // no server: jobs stay queued
    const cluster = pool(queue, { reconcileInterval: 200 })
    const jobs = new Queue(queue, { connection: new Redis({ ...connection, maxRetriesPerRequest: null }) })
    cleanup.push(() => jobs.close())
    const lost = cluster.submit(square, 2)
    const kept = cluster.submit(square, 3)
    let waiting: Awaited<ReturnType<Queue["getWaiting"]>> = []
    while (waiting.length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 10)) // a job's state in Redis has no event to wait on
      waiting = await jobs.getWaiting()
    }
    // Job ids are the pool's prefix and a counter: the first submitted ends in "-1".
    await waiting.find((job) => job.id!.endsWith("-1"))!.remove()
    const error = (await lost.exception()) as Error
    expect(error).toBeInstanceOf(RuntimeError)
    expect(error.message).toMatch(/is no longer in Redis/)
    // Asked about in the same round (both became due together): still queued, still pending.
    expect(kept.done()).toBe(false)
  })
})
