// A hostile worker: a task that posts garbage on the worker's own port (bypassing weft), as a
// Thread target and as a pool task, and a task that returns data imitating every record weft
// sends. The caller survives (no uncaught error; one scenario runs as a whole process that must
// exit 0), imports nothing (no `pwned` mark, no marker file from a `data:` module), the affected
// task or thread settles, and other tasks are unaffected.
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { isDeepStrictEqual } from "node:util"
import { Lock, Thread, ThreadPool } from "@weft/node"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest"
import { type Settled, settleWithin, show, takePwnedMark } from "./settle-harness.js"
import { garbage, hostileEcho, hostileProbe, imitations, postGarbage, returnImitations } from "./fixtures/hostile-tasks.mjs"

const SETTLE_MS = 10_000
const directory = mkdtempSync(join(tmpdir(), "weft-hostile-"))
const markerPath = join(directory, "marker")
const garbageNames = Object.keys(garbage(markerPath))

const settle = settleWithin(SETTLE_MS)

/** Resolves, or rejects with an error: never a bare non-error value the caller cannot make sense of. */
function expectSettledClearly(result: Settled<unknown>, what: string): void {
  if (!result.ok && !(result.error instanceof Error)) throw new Error(`${what} rejected with ${show(result.error)}, not an error`)
}

// Errors thrown inside a port listener surface as uncaught exceptions; count them per test.
const uncaught: unknown[] = []
const onUncaught = (error: unknown): void => void uncaught.push(error)
beforeAll(() => {
  process.on("uncaughtException", onUncaught)
  process.on("unhandledRejection", onUncaught)
})
afterAll(() => {
  process.off("uncaughtException", onUncaught)
  process.off("unhandledRejection", onUncaught)
  rmSync(directory, { recursive: true, force: true })
})
beforeEach(() => {
  uncaught.length = 0
})

// One pool per test, so a pool that one garbage message breaks cannot fail the next test.
let pool: ThreadPool
beforeEach(() => {
  pool = new ThreadPool({ maxWorkers: 1 })
})
afterEach(async () => {
  await settle(pool.shutdown({ wait: false, cancelFutures: true }), "shutdown")
})

/** Nothing was imported on the caller's side or in the pool's worker, and nothing escaped as uncaught. */
async function expectNothingImportedOrThrown(): Promise<void> {
  // The round trip gives a stray import started by the last message time to run before we look.
  const seen = await settle(pool.submit(hostileProbe), "probe")
  expect(uncaught.map(show)).toEqual([])
  // Marks are cleared once seen, so each test reports only what it caused.
  const pwnedHere = takePwnedMark()
  const marker = existsSync(markerPath)
  rmSync(markerPath, { force: true })
  expect(pwnedHere).toBeUndefined()
  expect(marker).toBe(false)
  expect(seen.ok ? seen.value.pwned : show(seen.error)).toBeUndefined()
  expect(Object.getPrototypeOf(postGarbage)).toBe(Function.prototype)
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
}

describe("a worker that posts garbage on its own port", () => {
  for (const name of garbageNames) {
    test(`as a Thread target: ${name}`, async () => {
      const bystander = new Thread({ target: hostileEcho, args: ["bystander"] })
      bystander.start()
      const thread = new Thread({ target: postGarbage, args: [name, markerPath] })
      thread.start()
      expectSettledClearly(await settle(thread.join(), "the hostile thread"), "the hostile thread")
      const other = await settle(bystander.join(), "the bystander thread")
      expect(other).toEqual({ ok: true, value: "bystander" })
      await expectNothingImportedOrThrown()
    })

    test(`as a pool task: ${name}`, async () => {
      const before = await settle(pool.submit(hostileProbe), "probe before")
      const hostile = pool.submit(postGarbage, name, markerPath)
      // Sent to the same worker in the same batch as the hostile task.
      const queued = [0, 1, 2, 3].map((i) => pool.submit(hostileEcho, i))
      expectSettledClearly(await settle(hostile, "the hostile task"), "the hostile task")
      const results = await Promise.all(queued.map((future, i) => settle(future, `task ${i} behind the hostile one`)))
      expect(results).toEqual([0, 1, 2, 3].map((value) => ({ ok: true, value })))
      const after = await settle(pool.submit(hostileEcho, "after"), "a task after the hostile one")
      expect(after).toEqual({ ok: true, value: "after" })
      await expectNothingImportedOrThrown()
      // The garbage concerned one task; the worker that posted it was not replaced for it.
      const same = await settle(pool.submit(hostileProbe), "probe after")
      expect(same.ok && before.ok && same.value.threadId === before.value.threadId).toBe(true)
    })
  }
})

describe("a task that returns data imitating every record weft sends", () => {
  let lock: Lock
  beforeAll(() => {
    lock = new Lock()
  })

  for (const withLock of [false, true]) {
    const label = withLock ? "with a Lock alongside" : "alone"
    const args = (): [string, Lock?] => (withLock ? [markerPath, lock] : [markerPath])

    function expectImitationsBack(result: Settled<unknown>, what: string): void {
      if (!result.ok) throw new Error(`${what} failed: ${show(result.error)}`)
      const value = result.value as { data: unknown; lock?: unknown }
      const expected = structuredClone(imitations(markerPath))
      if (!isDeepStrictEqual(value.data, expected))
        throw new Error(`${what}: the imitations did not arrive as sent\n  sent: ${show(expected)}\n  arrived: ${show(value.data)}`)
      if (withLock) expect(value.lock).toBeInstanceOf(Lock)
    }

    test(`from a pool task, ${label}: arrives exactly as data`, async () => {
      expectImitationsBack(await settle(pool.submit(returnImitations, ...args()), "pool.submit"), "pool task")
      await expectNothingImportedOrThrown()
    })

    test(`from a Thread, ${label}: arrives exactly as data`, async () => {
      const thread = new Thread({ target: returnImitations, args: args() })
      thread.start()
      expectImitationsBack(await settle(thread.join(), "Thread join"), "Thread")
      await expectNothingImportedOrThrown()
    })

    test(`sent as an argument, ${label}: the worker gets exactly the data`, async () => {
      const data = imitations(markerPath)
      const sent = withLock ? [data, lock] : [data]
      const result = await settle(pool.submit(hostileEcho, sent), "pool.submit")
      if (!result.ok) throw new Error(`echo failed: ${show(result.error)}`)
      const echoed = result.value as unknown[]
      if (!isDeepStrictEqual(echoed[0], structuredClone(data))) throw new Error(`the imitations did not arrive as sent: ${show(echoed[0])}`)
      if (withLock) expect(echoed[1]).toBeInstanceOf(Lock)
      await expectNothingImportedOrThrown()
    })
  }
})

describe("a whole process against a hostile worker", () => {
  test("posting every garbage message on a Thread and in a pool, the process exits 0 having imported nothing", {
    timeout: 240_000,
  }, async () => {
    const childMarker = join(directory, "child-marker")
    const file = fileURLToPath(new URL("./fixtures/hostile-child.mjs", import.meta.url))
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [file, childMarker], { stdio: ["ignore", "pipe", "pipe"] })
      let out = ""
      let err = ""
      child.stdout.on("data", (chunk) => (out += chunk))
      child.stderr.on("data", (chunk) => (err += chunk))
      child.on("error", reject)
      child.on("exit", (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }))
    })
    // Which bystanders the garbage disturbed is asserted task by task above; here: the process itself.
    expect(stderr).toBe("")
    expect(stdout).toContain(`settled ${garbageNames.length}/${garbageNames.length}`)
    expect(stdout).toContain("pwned here undefined")
    expect(stdout).toContain("pwned in a worker undefined")
    expect(stdout).not.toContain("pwned:") // a bystander task found its worker marked
    expect(existsSync(childMarker)).toBe(false)
    expect(code).toBe(0)
  })
})
