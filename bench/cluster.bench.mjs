// ClusterPool (@weft/bullmq) against BullMQ used directly, on the same local Redis:
// tiny-task throughput and round-trip latency vs a bare Queue + Worker doing the same no-op,
// and CPU-bound scaling from 1 to 2 serving processes. Prints ratios.
import { spawn } from "node:child_process"
import { randomUUID } from "node:crypto"
import { availableParallelism, loadavg } from "node:os"
import { fileURLToPath } from "node:url"
import { ClusterPool } from "@weft/bullmq"
import { Queue, QueueEvents } from "bullmq"
import { Redis } from "ioredis"
import { startRedis } from "../packages/bullmq/test/redis.mjs"
import { burn, noop } from "./cluster-tasks.mjs"
import { median, printTable, us } from "./report.mjs"

const FLOOD = Number(process.env.CLUSTER_BENCH_FLOOD ?? 3000)
const ROUND_TRIPS = 200
const CPU_TASKS = 48
const CPU_MS = 20
const CONCURRENCY = 4 // weft-serve's default with 2 threads (2 x maxWorkers)

const cli = fileURLToPath(new URL("../packages/bullmq/dist/cli.js", import.meta.url))
const tasks = fileURLToPath(new URL("./cluster-tasks.mjs", import.meta.url))
const bare = fileURLToPath(new URL("./bullmq-bare-worker.mjs", import.meta.url))

function startProcess(args, ready) {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] })
  let log = ""
  return new Promise((resolve, reject) => {
    const onData = (chunk) => {
      log += chunk
      if (ready.test(log)) resolve({ stop: () => new Promise((done) => (child.exitCode !== null ? done() : (child.once("exit", done), child.kill("SIGKILL")))) })
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", onData)
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code}: ${log}`)))
  })
}

const weftServer = (port, queue, maxWorkers, concurrency) =>
  startProcess([cli, "--queue", queue, "--redis", `redis://127.0.0.1:${port}`, "--module", tasks, "--max-workers", String(maxWorkers), "--concurrency", String(concurrency)], /serving/)
const bareServer = (port, queue) => startProcess([bare, String(port), queue, String(CONCURRENCY)], /serving/)

/** A ClusterPool and one weft-serve process: `run(values)` resolves with the results. */
async function weftSide(port) {
  const queue = `bench-weft-${randomUUID()}`
  const server = await weftServer(port, queue, 2, CONCURRENCY)
  const pool = new ClusterPool({ connection: { host: "127.0.0.1", port }, queue })
  return {
    run: (values) => Promise.all(values.map((value) => pool.submit(noop, value))),
    async close() {
      await pool.shutdown()
      await server.stop()
    },
  }
}

/** BullMQ used directly: a Queue, a QueueEvents and one bare Worker process doing the same no-op. */
async function bareSide(port) {
  const queue = `bench-bare-${randomUUID()}`
  const server = await bareServer(port, queue)
  const connection = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: null })
  const eventsConnection = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: null })
  const jobs = new Queue(queue, { connection, streams: { events: { maxLen: 100_000 } } })
  const events = new QueueEvents(queue, { connection: eventsConnection, lastEventId: "0-0" })
  await Promise.all([jobs.waitUntilReady(), events.waitUntilReady()])
  const waiters = new Map()
  events.on("completed", ({ jobId, returnvalue }) => {
    const wake = waiters.get(jobId)
    if (wake !== undefined) {
      waiters.delete(jobId)
      wake(returnvalue)
    }
  })
  let counter = 0
  return {
    // The same batching ClusterPool does: one addBulk per batch of up to 1000 jobs.
    async run(values) {
      const promises = []
      const entries = values.map((value) => {
        const jobId = `b-${++counter}`
        promises.push(new Promise((resolve) => waiters.set(jobId, resolve)))
        return { name: "noop", data: value, opts: { jobId, removeOnComplete: { age: 3600 }, removeOnFail: { age: 3600 } } }
      })
      for (let i = 0; i < entries.length; i += 1000) await jobs.addBulk(entries.slice(i, i + 1000))
      return Promise.all(promises)
    },
    async close() {
      await events.close()
      await jobs.close()
      connection.disconnect()
      eventsConnection.disconnect()
      await server.stop()
    },
  }
}

async function flood(side) {
  const start = performance.now()
  const values = await side.run(Array.from({ length: FLOOD }, (_, i) => i))
  if (values[FLOOD - 1] !== FLOOD - 1) throw new Error("wrong result")
  return FLOOD / ((performance.now() - start) / 1000)
}

async function roundTrips(side, count, into) {
  for (let i = 0; i < count; i++) {
    const t = performance.now()
    await side.run([i])
    into.push(performance.now() - t)
  }
}

/** Both sides up at once; floods and round trips alternate between them so both see the same machine load. */
async function compare(port) {
  const weft = await weftSide(port)
  const bare = await bareSide(port)
  try {
    for (const side of [weft, bare]) await side.run(Array.from({ length: 200 }, (_, i) => i)) // warm-up
    const throughput = { weft: [], bare: [] }
    const latency = { weft: [], bare: [] }
    for (let round = 0; round < 3; round++) {
      throughput.bare.push(await flood(bare))
      throughput.weft.push(await flood(weft))
      await roundTrips(bare, ROUND_TRIPS / 4, latency.bare)
      await roundTrips(weft, ROUND_TRIPS / 4, latency.weft)
    }
    await roundTrips(bare, ROUND_TRIPS / 4, latency.bare)
    await roundTrips(weft, ROUND_TRIPS / 4, latency.weft)
    return {
      weft: { throughput: median(throughput.weft), latency: median(latency.weft) },
      bare: { throughput: median(throughput.bare), latency: median(latency.bare) },
    }
  } finally {
    await weft.close()
    await bare.close()
  }
}

async function measureScaling(port, servers) {
  const queue = `bench-cpu-${randomUUID()}`
  const started = await Promise.all(Array.from({ length: servers }, () => weftServer(port, queue, 1, 1)))
  const pool = new ClusterPool({ connection: { host: "127.0.0.1", port }, queue })
  try {
    await Promise.all(Array.from({ length: 2 * servers }, () => pool.submit(burn, 1))) // warm-up
    const start = performance.now()
    await Promise.all(Array.from({ length: CPU_TASKS }, () => pool.submit(burn, CPU_MS)))
    return CPU_TASKS / ((performance.now() - start) / 1000)
  } finally {
    await pool.shutdown()
    await Promise.all(started.map((server) => server.stop()))
  }
}

const redis = await startRedis()
try {
  const load = loadavg()[0]
  const { weft: weftResult, bare: bareResult } = await compare(redis.port)
  const one = await measureScaling(redis.port, 1)
  const two = await measureScaling(redis.port, 2)
  printTable(`ClusterPool vs bare BullMQ Queue + Worker (no-op; floods of ${FLOOD} jobs and single round trips, alternating; concurrency ${CONCURRENCY}; one local Redis)`, [
    { name: "throughput (jobs/s)", weft: weftResult.throughput, baseline: bareResult.throughput, format: (v) => v.toFixed(0), target: ">= 0.9x" },
    { name: "round-trip latency (median)", weft: weftResult.latency, baseline: bareResult.latency, format: us, target: "<= 1.1x" },
  ])
  console.log(`(load average when it started: ${load.toFixed(1)} on ${availableParallelism()} cores; other work on the machine inflates latency)`)
  printTable(`CPU-bound scaling (${CPU_TASKS} tasks of ${CPU_MS} ms; serving processes of 1 thread each)`, [
    { name: "2 servers vs 1 (tasks/s)", weft: two, baseline: one, format: (v) => v.toFixed(1), target: "2 cores: ideal 2x" },
  ])
} finally {
  await redis.stop()
}
