// What a ClusterPool skips to stay cheap per job, and that skipping it changes no outcome:
// submit() sites during floods ("auto", as ThreadPool), and reconciliation in one round trip.
import { randomUUID } from "node:crypto"
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

describe("ClusterPool per-job costs", () => {
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
