// Node-only behaviour that needs a whole process: exit with daemon threads, no leaked workers,
// the default excepthook's output, and Node's per-thread options.
import { Thread, ThreadExitError } from "@weft/node"
import { describe, expect, test } from "vitest"
import { runFixture } from "./run-fixture.js"

describe("Queue codec", () => {
  test("a fresh process can use a Queue's synchronous faces first, on the main thread and in a thread", async () => {
    const { code, stdout, stderr } = await runFixture("queue-sync-first.mjs")
    expect(stderr).toBe("")
    expect(stdout).toContain("main 1970-01-01T00:00:00.000Z")
    expect(stdout).toContain("thread 2 x")
    expect(code).toBe(0)
  })
})

describe("process lifetime", () => {
  test("a process whose remaining threads are all daemons exits", async () => {
    const { code, stdout } = await runFixture("daemon-spins.mjs")
    expect(stdout).toContain("started spinner alive=true")
    expect(code).toBe(0)
  })

  test("a non-daemon thread keeps the process alive until it ends", async () => {
    const { code, stdout } = await runFixture("non-daemon-outlives-main.mjs")
    expect(stdout.indexOf("main finished")).toBeGreaterThanOrEqual(0)
    expect(stdout.indexOf("thread finished")).toBeGreaterThan(stdout.indexOf("main finished"))
    expect(code).toBe(0)
  })

  test("an idle ThreadPool that was never shut down lets the process exit", async () => {
    const { code, stdout } = await runFixture("idle-pool-exits.mjs")
    expect(stdout).toContain("results 2,4,6,8 workers 2")
    expect(code).toBe(0)
  })

  test("shutdown() keeps the process alive until its workers exit, also when a stopping worker still sends results", {
    timeout: 180_000,
  }, async () => {
    const { code, stdout } = await runFixture("shutdown-after-steal.mjs")
    expect(stdout).toContain("shut down 40 pools")
    expect(code).toBe(0)
  })

  test("a thread's worker does not outlive the thread, even with a timer left running", async () => {
    const { code, stdout } = await runFixture("leftover-timer.mjs")
    expect(stdout).toContain("returned")
    expect(code).toBe(0)
  })

  test("the default excepthook prints `Exception in thread NAME:` and the stack", async () => {
    const { code, stderr } = await runFixture("unjoined-failure.mjs")
    expect(stderr).toContain("Exception in thread orphan:")
    expect(stderr).toContain("TypeError: nobody is listening")
    expect(code).toBe(0)
  })
})

describe("Node thread options", () => {
  test("resourceLimits: a thread that runs out of memory rejects with ThreadExitError", async () => {
    const t = new Thread({
      target: () => {
        const hoard: number[][] = []
        for (;;) hoard.push(new Array(100_000).fill(1))
      },
      node: { resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } },
    })
    t.start()
    const error = await t.join().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ThreadExitError)
    expect((error as ThreadExitError).message).toMatch(/memory/i)
  })

  test("env: the thread sees the environment it was given", async () => {
    const t = new Thread({ target: () => process.env.WEFT_GREETING, node: { env: { WEFT_GREETING: "hello" } } })
    t.start()
    expect(await t.join()).toBe("hello")
  })
})
