// The caller's site (start(), submit()) is captured as an Error and formatted only when a failure
// needs it: reading a stack costs far more than capturing one (Deno source-maps every frame).
import { Thread, ThreadPool } from "@weft/node"
import { afterEach, beforeEach, describe, expect, test } from "vitest"
import { fail, succeed } from "./fixtures/caller-site-tasks.mjs"

/** Counts how often V8 formats a stack (it calls prepareStackTrace on an error's first `stack` read). */
let formatted = 0
let previous: typeof Error.prepareStackTrace

beforeEach(() => {
  formatted = 0
  previous = Error.prepareStackTrace
  Error.prepareStackTrace = (error, frames) => {
    formatted++
    return [String(error), ...frames.map((frame) => `    at ${String(frame)}`)].join("\n")
  }
})

afterEach(() => {
  Error.prepareStackTrace = previous
})

function startNamedSite(thread: Thread): void {
  thread.start()
}

describe("the caller's site", () => {
  test("Thread.start() does not format a stack; a failure then shows the start() site", async () => {
    const ok = new Thread({ target: succeed, args: [1] })
    ok.start()
    expect(formatted).toBe(0)
    await expect(ok.join()).resolves.toBe(1)
    expect(formatted).toBe(0)

    const failing = new Thread({ target: fail, args: ["boom"], name: "sited" })
    startNamedSite(failing)
    expect(formatted).toBe(0)
    const error = (await failing.join().catch((e: unknown) => e)) as Error
    expect(error.message).toBe("boom")
    const stack = String(error.stack)
    const marker = stack.indexOf("--- thread sited started at ---")
    expect(marker).toBeGreaterThan(-1)
    const callerPart = stack.slice(marker)
    // The frames are those of the start() call, not of where the failure was read.
    expect(callerPart).toMatch(/at startNamedSite /)
    expect(callerPart).not.toMatch(/startSite|Thread\.start/)
  })

  test("ThreadPool.submit() does not format a stack; a failure then shows the submit() site", async () => {
    const pool = new ThreadPool({ maxWorkers: 1 })
    try {
      await expect(pool.submit(succeed, 2)).resolves.toBe(2)
      formatted = 0
      const submitFromNamedSite = () => pool.submit(fail, "pool boom")
      const future = submitFromNamedSite()
      expect(formatted).toBe(0)
      const error = (await future.catch((e: unknown) => e)) as Error
      expect(error.message).toBe("pool boom")
      const callerPart = String(error.stack).slice(String(error.stack).indexOf("submitted at ---"))
      expect(callerPart).toMatch(/at submitFromNamedSite /)
    } finally {
      await pool.shutdown()
    }
  })
})
