// ClusterPool (@weft/bullmq) against BullMQ used directly, on the same local Redis:
// tiny-task throughput and round-trip latency vs a bare Queue + Worker doing the same no-op,
// Redis commands per job on each side (INFO commandstats around each flood), and CPU-bound
// scaling from 1 to 2 serving processes. Prints ratios (the targets are #19's). A third side, a
// bare caller sending weft's jobs to weft-serve, splits the gap: what weft's jobs and server
// cost, and what ClusterPool's caller costs over a bare one.
import { spawn, spawnSync } from "node:child_process"
import { randomUUID } from "node:crypto"
import { readdirSync, readFileSync } from "node:fs"
import { availableParallelism, loadavg } from "node:os"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { fileURLToPath } from "node:url"
import { ClusterPool } from "@weft/bullmq"
import { Queue, QueueEvents } from "bullmq"
import { Redis } from "ioredis"
import { registrationOf } from "../packages/core/dist/adapter.js"
import { startRedis } from "../packages/bullmq/test/redis.mjs"
import { burn, noop } from "./cluster-tasks.mjs"
import * as report from "./report.mjs"

const { median, printTable, us } = report
// bench/report.mjs's smoke mode (WEFT_BENCH_SMOKE=1: tiny sizes, one round); `size` is read
// through the namespace so this file also runs beside a report.mjs that predates it.
const size = report.size ?? ((full) => full)

const FLOOD = Number(process.env.CLUSTER_BENCH_FLOOD ?? size(3000, 100))
const ROUNDS = Number(process.env.ROUNDS ?? size(3, 1))
/** Fresh servers for each; see compare(). */
const SESSIONS = Number(process.env.CLUSTER_BENCH_SESSIONS ?? size(3, 1))
const ROUND_TRIPS = size(900, 8)
/** Round trips one side makes before the other takes its turn. */
const TURN = 10
const CPU_TASKS = size(48, 4)
const CPU_MS = 20
/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ: 100 on Linux). */
const TICKS = 100
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
      if (ready.test(log))
        resolve({
          pid: child.pid,
          stop: () => new Promise((done) => (child.exitCode !== null ? done() : (child.once("exit", done), child.kill("SIGKILL")))),
        })
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", onData)
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code}: ${log}`)))
  })
}

const weftServer = (port, queue, maxWorkers, concurrency) =>
  startProcess(
    [
      cli,
      "--queue",
      queue,
      "--redis",
      `redis://127.0.0.1:${port}`,
      "--module",
      tasks,
      "--max-workers",
      String(maxWorkers),
      "--concurrency",
      String(concurrency),
    ],
    /serving/,
  )
const bareServer = (port, queue) => startProcess([bare, String(port), queue, String(CONCURRENCY)], /serving/)

/** A ClusterPool and one weft-serve process: `run(values)` resolves with the results. */
async function weftSide(port) {
  const queue = `bench-weft-${randomUUID()}`
  const server = await weftServer(port, queue, 2, CONCURRENCY)
  const pool = new ClusterPool({ connection: { host: "127.0.0.1", port }, queue })
  return {
    serverPid: server.pid,
    run: (values) => Promise.all(values.map((value) => pool.submit(noop, value))),
    async close() {
      await pool.shutdown()
      await server.stop()
    },
  }
}

/**
 * BullMQ used directly: a Queue, a QueueEvents and one bare Worker process doing the same no-op.
 * With `weftJobs`, the same caller sends weft's jobs (the target's key and module, the arguments
 * in weft's JSON form) to a weft-serve process instead: ClusterPool's work without ClusterPool.
 */
async function bareSide(port, weftJobs = false) {
  const queue = `bench-${weftJobs ? "relay" : "bare"}-${randomUUID()}`
  const server = weftJobs ? await weftServer(port, queue, 2, CONCURRENCY) : await bareServer(port, queue)
  const { key, url } = registrationOf(noop)
  // "~" marks JSON in @weft/bullmq's wire form (src/wire.ts); a changed form fails the result checks below.
  const jobData = weftJobs ? (value) => ({ key, url, args: `~${JSON.stringify([value])}` }) : (value) => value
  const readResult = (text) => (text.startsWith("~") ? JSON.parse(text.slice(1)) : text)
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
      wake(weftJobs ? readResult(returnvalue) : returnvalue)
    }
  })
  let counter = 0
  return {
    serverPid: server.pid,
    // The same batching ClusterPool does: one addBulk per batch of up to 1000 jobs, add() for one job alone.
    async run(values) {
      const promises = []
      const entries = values.map((value) => {
        const jobId = `b-${++counter}`
        promises.push(new Promise((resolve) => waiters.set(jobId, resolve)))
        return { name: "noop", data: jobData(value), opts: { jobId, removeOnComplete: { age: 3600 }, removeOnFail: { age: 3600 } } }
      })
      if (entries.length === 1) await jobs.add(entries[0].name, entries[0].data, entries[0].opts)
      else for (let i = 0; i < entries.length; i += 1000) await jobs.addBulk(entries.slice(i, i + 1000))
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

/** Redis commands executed so far (all clients), from INFO commandstats. */
async function commandsSoFar(admin) {
  let calls = 0
  for (const match of (await admin.info("commandstats")).matchAll(/^cmdstat_(?!info\b)[^:]+:calls=(\d+)/gm)) calls += Number(match[1])
  return calls
}

/** CPU time (ms) a process has used so far, all its threads (Linux /proc; undefined elsewhere). */
function processCpu(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS
  } catch {
    return undefined
  }
}

/** Context switches (voluntary + involuntary) of a process's threads so far (Linux /proc; undefined elsewhere). */
function processSwitches(pid) {
  try {
    let switches = 0
    for (const thread of readdirSync(`/proc/${pid}/task`)) {
      const status = readFileSync(`/proc/${pid}/task/${thread}/status`, "utf8")
      for (const match of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)/gm)) switches += Number(match[1])
    }
    return switches
  } catch {
    return undefined
  }
}

/** Context switches so far of this process, one side's server and Redis: how often a job puts a thread to sleep or wakes one. */
function machineSwitches(side, redisPid) {
  const parts = [process.pid, side.serverPid, redisPid].map(processSwitches)
  return parts.includes(undefined) ? undefined : parts.reduce((a, b) => a + b, 0)
}

/**
 * CPU time (ms) used so far by this process (the callers of both sides; only the side flooding
 * is busy), one side's server and Redis: how much machine a job costs, whatever share of the
 * cores the scheduler gave each side. On a machine the flood saturates, throughput ≈ 1 / this.
 */
function machineCpu(side, redisPid) {
  const server = processCpu(side.serverPid)
  const redis = processCpu(redisPid)
  if (server === undefined || redis === undefined) return undefined
  const own = process.cpuUsage()
  return (own.user + own.system) / 1000 + server + redis
}

// Both sides' callers share this process: without a collection before each flood, the garbage of
// one side's flood would be collected, and its CPU counted, during the other side's.
setFlagsFromString("--expose-gc")
const collectGarbage = runInNewContext("gc")

/** Jobs per second of one flood, every result checked; records the flood's Redis commands and CPU per job. */
async function flood(side, admin, redisPid, costs) {
  collectGarbage()
  const before = await commandsSoFar(admin)
  const cpuBefore = machineCpu(side, redisPid)
  const callerBefore = process.cpuUsage()
  const serverBefore = processCpu(side.serverPid)
  const switchesBefore = machineSwitches(side, redisPid)
  const start = performance.now()
  const values = await side.run(Array.from({ length: FLOOD }, (_, i) => i))
  const rate = FLOOD / ((performance.now() - start) / 1000)
  const cpuAfter = machineCpu(side, redisPid)
  const caller = process.cpuUsage(callerBefore)
  const serverAfter = processCpu(side.serverPid)
  const switchesAfter = machineSwitches(side, redisPid)
  for (let i = 0; i < FLOOD; i++) if (values[i] !== i) throw new Error(`wrong result for job ${i}: ${values[i]}`)
  costs.commands.push(((await commandsSoFar(admin)) - before) / FLOOD)
  if (cpuBefore !== undefined && cpuAfter !== undefined) costs.cpu.push((cpuAfter - cpuBefore) / FLOOD)
  costs.callerCpu.push((caller.user + caller.system) / 1000 / FLOOD)
  if (serverBefore !== undefined && serverAfter !== undefined) costs.serverCpu.push((serverAfter - serverBefore) / FLOOD)
  if (switchesBefore !== undefined && switchesAfter !== undefined) costs.switches.push((switchesAfter - switchesBefore) / FLOOD)
  return rate
}

async function roundTrips(side, count, into) {
  for (let i = 0; i < count; i++) {
    const t = performance.now()
    await side.run([i])
    into.push(performance.now() - t)
  }
}

const newSamples = () => ({ throughput: [], latency: [], commands: [], cpu: [], callerCpu: [], serverCpu: [], switches: [] })
const SIDES = ["bare", "weft", "relay"]

/** The order the sides take their turn `n`: each side takes each place, in both directions. */
function order(n) {
  const k = n % SIDES.length
  const rotated = [...SIDES.slice(k), ...SIDES.slice(0, k)]
  return Math.floor(n / SIDES.length) % 2 === 0 ? rotated : rotated.reverse()
}

/**
 * One session: a fresh server for each side, all up at once and taking turns so all see the
 * same machine. Floods rotate which side goes first from round to round, and round trips rotate
 * the same way in short turns of TURN trips, so no side is always the one measured right after
 * another's burst of work or right after a pause. Adds its measurements to `samples` (per side).
 */
async function session(port, redisPid, samples, first) {
  const weft = await weftSide(port)
  const bare = await bareSide(port)
  const relay = await bareSide(port, true)
  const admin = new Redis({ host: "127.0.0.1", port })
  try {
    // Warm-up: a fresh server compiles its code during its first thousands of jobs (weft's on two threads).
    for (const side of [weft, bare, relay]) await side.run(Array.from({ length: FLOOD }, (_, i) => i))
    const sides = { weft, bare, relay }
    const turns = Math.max(1, Math.round(ROUND_TRIPS / SESSIONS / ROUNDS / TURN))
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of order(first + round)) samples[name].throughput.push(await flood(sides[name], admin, redisPid, samples[name]))
      for (let turn = 0; turn < turns; turn++)
        for (const name of order(turn)) await roundTrips(sides[name], Math.min(TURN, ROUND_TRIPS), samples[name].latency)
    }
  } finally {
    admin.disconnect()
    await weft.close()
    await bare.close()
    await relay.close()
  }
}

/**
 * SESSIONS sessions, every sample pooled, medians. Where the scheduler puts a session's processes
 * (which share a core with Redis, say) stays put for the session and moves its ratios by several
 * percent; fresh processes per session sample several placements.
 */
async function compare(port, redisPid) {
  const samples = { weft: newSamples(), bare: newSamples(), relay: newSamples() }
  for (let i = 0; i < SESSIONS; i++) await session(port, redisPid, samples, i * ROUNDS)
  const result = (side) => ({
    throughput: median(samples[side].throughput),
    latency: median(samples[side].latency),
    commands: median(samples[side].commands),
    cpu: samples[side].cpu.length > 0 ? median(samples[side].cpu) : undefined,
    callerCpu: median(samples[side].callerCpu),
    serverCpu: samples[side].serverCpu.length > 0 ? median(samples[side].serverCpu) : undefined,
    switches: samples[side].switches.length > 0 ? median(samples[side].switches) : undefined,
  })
  return { weft: result("weft"), bare: result("bare"), relay: result("relay") }
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

if (spawnSync("sh", ["-c", "command -v redis-server"]).status !== 0) {
  console.log("redis-server is not installed (scripts/setup.mjs's ensureRedis installs it): the cluster benchmark is skipped")
  process.exit(0)
}

const redis = await startRedis()
try {
  const load = loadavg()[0]
  const { weft: weftResult, bare: bareResult, relay: relayResult } = await compare(redis.port, redis.pid)
  const one = await measureScaling(redis.port, 1)
  const two = await measureScaling(redis.port, 2)
  printTable(
    `ClusterPool vs bare BullMQ Queue + Worker (no-op; ${SESSIONS} sessions of fresh servers, each ${ROUNDS} floods of ${FLOOD} jobs; ${ROUND_TRIPS} single round trips per side in all; taking turns; medians; concurrency ${CONCURRENCY}; one local Redis)`,
    [
      {
        name: "throughput (jobs/s)",
        weft: weftResult.throughput,
        baseline: bareResult.throughput,
        format: (v) => v.toFixed(0),
        target: ">= 0.9x",
        source: "#19",
      },
      {
        name: "round-trip latency (median)",
        weft: weftResult.latency,
        baseline: bareResult.latency,
        format: us,
        target: "<= 1.1x",
        source: "#19",
      },
      {
        name: "Redis commands per job (floods)",
        weft: weftResult.commands,
        baseline: bareResult.commands,
        format: (v) => v.toFixed(1),
        target: "same round trips: ~1x",
        source: "#19",
      },
      ...(weftResult.cpu === undefined
        ? []
        : [
            {
              name: "CPU per job, caller + server + Redis (floods)",
              weft: weftResult.cpu * 1000,
              baseline: bareResult.cpu * 1000,
              format: (v) => `${v.toFixed(0)} µs`,
              target: "informational: saturated throughput ≈ 1/this",
              source: "#19",
            },
          ]),
      ...(weftResult.switches === undefined
        ? []
        : [
            {
              name: "context switches per job, caller + server + Redis (floods)",
              weft: weftResult.switches,
              baseline: bareResult.switches,
              format: (v) => v.toFixed(2),
              target: "informational: wake-ups; bare BullMQ handles several replies per wake-up",
              source: "#19",
            },
          ]),
    ],
  )
  console.log(
    `(load average when it started: ${load.toFixed(1)} on ${availableParallelism()} cores; other work on the machine inflates latency)`,
  )
  // The relay side (a bare caller sending weft's jobs to weft-serve) splits weft's gap in two.
  const perJob = (v) => `${v.toFixed(0)} µs`
  // Server CPU comes from /proc: no row where it could not be read.
  const serverCpuRow = (name, side, baseline) =>
    side.serverCpu === undefined || baseline.serverCpu === undefined
      ? []
      : [{ name, weft: side.serverCpu * 1000, baseline: baseline.serverCpu * 1000, format: perJob }]
  printTable(
    "Where the gap goes (informational): weft's jobs on weft-serve, sent by a bare BullMQ caller (the relay), against bare BullMQ, and ClusterPool against the relay",
    [
      {
        name: "weft's jobs + weft-serve: throughput (relay vs bare)",
        weft: relayResult.throughput,
        baseline: bareResult.throughput,
        format: (v) => v.toFixed(0),
      },
      { name: "weft's jobs + weft-serve: latency (relay vs bare)", weft: relayResult.latency, baseline: bareResult.latency, format: us },
      ...serverCpuRow("server CPU per job (weft-serve vs bare Worker, floods)", relayResult, bareResult),
      {
        name: "ClusterPool's caller: throughput (weft vs relay)",
        weft: weftResult.throughput,
        baseline: relayResult.throughput,
        format: (v) => v.toFixed(0),
      },
      { name: "ClusterPool's caller: latency (weft vs relay)", weft: weftResult.latency, baseline: relayResult.latency, format: us },
      {
        name: "caller CPU per job (ClusterPool vs relay, floods)",
        weft: weftResult.callerCpu * 1000,
        baseline: relayResult.callerCpu * 1000,
        format: perJob,
      },
      ...serverCpuRow("server CPU per job (weft-serve: ClusterPool's jobs vs the relay's, floods)", weftResult, relayResult),
    ].map((row) => ({ ...row, target: "informational", source: "#19" })),
  )
  printTable(`CPU-bound scaling (${CPU_TASKS} tasks of ${CPU_MS} ms; serving processes of 1 thread each)`, [
    { name: "2 servers vs 1 (tasks/s)", weft: two, baseline: one, format: (v) => v.toFixed(1), target: "2 cores: ideal 2x", source: "#19" },
  ])
} finally {
  await redis.stop()
}
