// How a server hands jobs to its pool: jobs that arrive together and are known to be short share
// one pool task (one message each way instead of one per job), each job still answered on its
// own; a thread that dies mid-batch costs only the job that killed it. A real ThreadPool.
import { failCoded } from "../../conformance/src/tasks/pool-tasks.js"
import { deserializeThrown } from "@weft/core/adapter"
import { ThreadExitError, ThreadPool } from "@weft/node"
import { afterEach, describe, expect, test } from "vitest"
import { JobFailure, JobHandOver } from "../src/job-hand-over.js"
import { parseFailure } from "../src/job-data.js"
import { decodeValue, encodeValue } from "../src/wire.js"
import { exitThreadIf, returnShared, sendBack, whereAmI } from "./fixtures/cluster-tasks.mjs"

const pools: ThreadPool[] = []
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.shutdown()
})

/** A pool and its hand-over; `batchMs` large by default, so that how long a job takes on a busy machine decides nothing. */
function setup(
  maxWorkers = 2,
  batchMs = 1000,
): { pool: ThreadPool; handOver: JobHandOver; run: (fn: Function, ...args: unknown[]) => Promise<unknown> } {
  const pool = new ThreadPool({ maxWorkers })
  pools.push(pool)
  const signal = new AbortController().signal
  const handOver = new JobHandOver(pool, signal, batchMs)
  const run = async (fn: Function, ...args: unknown[]) => decodeValue(await handOver.run(fn, fn.name, encodeValue(args), () => signal))
  return { pool, handOver, run }
}

/** The job's failure as the caller will rebuild it. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(JobFailure)
  return deserializeThrown(parseFailure((error as JobFailure).failureText)!) as Error
}

describe("JobHandOver", () => {
  test("jobs handed over in one turn share one pool task once their key is known to be short; each gets its own answer", async () => {
    const { pool, run } = setup()
    expect(await run(sendBack, "first")).toBe("first") // unknown until it has run once: alone
    expect(pool.stats().completed).toBe(1)
    const values = Array.from({ length: 20 }, (_, i) => ({ i, text: `job ${i}` }))
    expect(await Promise.all(values.map((value) => run(sendBack, value)))).toEqual(values)
    expect(pool.stats().completed).toBe(2)
  })

  test("a job whose key runs long gets a pool task of its own, so long jobs spread over the threads", async () => {
    const { pool, run } = setup(2, 1)
    await run(whereAmI, 20) // 20 ms: more than a shared task may hold (1 ms)
    const places = (await Promise.all([run(whereAmI, 20), run(whereAmI, 20), run(whereAmI, 20)])) as { thread: string }[]
    expect(pool.stats().completed).toBe(4)
    expect(new Set(places.map((place) => place.thread)).size).toBe(2)
  })

  test("in a shared task, a job's error or unsendable result fails that job only, with its class and code", async () => {
    const { run } = setup(1)
    await Promise.all([run(sendBack, 0), run(failCoded, "warm-up").catch(() => {}), run(returnShared).catch(() => {})])
    const [before, coded, shared, after] = [run(sendBack, 1), run(failCoded, "no luck"), run(returnShared), run(sendBack, 2)]
    expect(await before).toBe(1)
    const error = await failure(coded)
    expect(error.name).toBe("CodedError")
    expect(error.message).toBe("no luck")
    expect((error as Error & { code?: string }).code).toBe("E_CODED")
    expect((await failure(shared)).message).toMatch(/the result\.flags is a Int32Array over shared memory/)
    expect(await after).toBe(2)
  })

  test("a thread that dies in a shared task: each of its jobs runs again alone; only the one that ended the thread rejects", async () => {
    const { pool, run } = setup(1)
    await Promise.all([run(sendBack, 0), run(exitThreadIf, false)])
    const jobs = [run(sendBack, 1), run(exitThreadIf, true), run(sendBack, 3)]
    expect(await jobs[0]).toBe(1)
    await expect(jobs[1]).rejects.toBeInstanceOf(ThreadExitError)
    expect(await jobs[2]).toBe(3)
    expect(await run(exitThreadIf, false)).toBe("alive")
    expect(pool.stats().failed).toBe(2) // the shared task, and the killer alone
  })

  test("a job alone runs under a signal of its own; jobs sharing a task under the hand-over's", async () => {
    const pool = new ThreadPool({ maxWorkers: 2, graceMs: 50 })
    pools.push(pool)
    const all = new AbortController()
    const handOver = new JobHandOver(pool, all.signal, 1000)
    const notAlone = (): AbortSignal => {
      throw new Error("a job sharing a task asked for a signal of its own")
    }
    const send = (fn: Function, args: unknown[], own: () => AbortSignal) => handOver.run(fn, fn.name, encodeValue(args), own)
    const mine = new AbortController()
    const alone = send(whereAmI, [10_000], () => mine.signal) // never ran here: a task of its own
    mine.abort(new Error("just this one"))
    await expect(alone).rejects.toMatchObject({ name: "AbortError", message: "just this one" })
    await send(whereAmI, [0], () => new AbortController().signal)
    await send(sendBack, [0], () => new AbortController().signal)
    const shared = [send(whereAmI, [10_000], notAlone), send(sendBack, [1], notAlone)] // both known short: one task
    all.abort(new Error("closing"))
    for (const job of shared) await expect(job).rejects.toMatchObject({ name: "AbortError", message: "closing" })
  })
})
