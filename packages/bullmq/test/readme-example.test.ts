// The README's example runs unchanged on a ThreadPool and on a ClusterPool, with the same output.
import { randomUUID } from "node:crypto"
import { ThreadPool } from "@weft/node"
import { expect, inject, test } from "vitest"
import { ClusterPool } from "../src/index.js"
import { report } from "../examples/primes.mjs"
import { startServer } from "./servers.js"

test("examples/primes.mjs: the same report() on ThreadPool and ClusterPool", async () => {
  const port = inject("redisPort")
  const queue = `primes-${randomUUID()}`
  const server = await startServer({ port, queue, modules: [new URL("../examples/tasks.mjs", import.meta.url).pathname] })
  const local = new ThreadPool({ maxWorkers: 2 })
  const cluster = new ClusterPool({ connection: { host: "127.0.0.1", port }, queue })
  try {
    const onThreads = await report(local)
    const onCluster = await report(cluster)
    expect(onThreads.sort()).toEqual(["done: 2262", "done: 4203", "done: 6057", "in order: 168", "in order: 25", "in order: 4"].sort())
    expect(onCluster.sort()).toEqual(onThreads.sort())
  } finally {
    await local.shutdown()
    await cluster.shutdown()
    await server.stop()
  }
})
