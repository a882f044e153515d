// The shared executor cases, once against a local ThreadPool and once against a ClusterPool
// whose tasks run on two serving processes of two threads each.
import { randomUUID } from "node:crypto"
import { Redis } from "ioredis"
import { ThreadPool } from "@weft/node"
import { executorCases, skipReason, type Environment, type ExecutorFixture, type Group } from "@weft/conformance"
import { afterAll, beforeAll, describe, inject, test } from "vitest"
import { ClusterPool } from "../src/index.js"
import { startServer, type ServerProcess } from "./servers.js"

const port = inject("redisPort")
const queue = `executor-${randomUUID()}`
const gateModule = new URL("./fixtures/redis-gate.mjs", import.meta.url).href
let servers: ServerProcess[] = []
let redis: Redis

beforeAll(async () => {
  redis = new Redis({ host: "127.0.0.1", port })
  servers = await Promise.all([startServer({ port, queue }), startServer({ port, queue })])
})

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()))
  redis.disconnect()
})

const threadPool: ExecutorFixture = {
  name: "ThreadPool",
  create: () => new ThreadPool({ maxWorkers: 2 }),
  gate: () => {
    const flags = new Int32Array(new SharedArrayBuffer(4))
    return { handle: flags, open: () => void (Atomics.store(flags, 0, 1), Atomics.notify(flags, 0)) }
  },
}

const clusterPool: ExecutorFixture = {
  name: "ClusterPool (2 servers x 2 threads)",
  create: () => new ClusterPool({ connection: { host: "127.0.0.1", port }, queue }),
  gate: () => {
    const key = `gate:${randomUUID()}`
    return { handle: { module: gateModule, host: "127.0.0.1", port, key }, open: async () => void (await redis.lpush(key, "open")) }
  },
}

const environment = { processExit: true, runtime: "node" } as unknown as Environment
for (const fixture of [threadPool, clusterPool]) {
  const cases: Group = executorCases(fixture)
  describe(cases.name, () => {
    for (const testCase of cases.cases) {
      const reason = skipReason(testCase, environment)
      test.skipIf(reason !== undefined)(reason ? `${testCase.name} (${reason})` : testCase.name, () => testCase.run(environment))
    }
  })
}
