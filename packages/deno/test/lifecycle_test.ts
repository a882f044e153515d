// How Deno workers end, as weft reports it: close(), an uncaught error, daemon threads at exit.
import assert from "node:assert/strict"
import { Thread, ThreadExitError } from "@weft/deno"
import { closeSelf, putAtOnce, throwLater } from "./lifecycle-tasks.ts"

const options = { sanitizeOps: false, sanitizeResources: false }

async function run<R>(thread: Thread<R>): Promise<R> {
  thread.start()
  return thread.join()
}

Deno.test({ name: "a thread that calls self.close() rejects with ThreadExitError (exitCode null)", ...options }, async () => {
  await assert.rejects(run(new Thread({ target: closeSelf })), (error: unknown) => {
    assert.ok(error instanceof ThreadExitError, String(error))
    assert.equal(error.exitCode, null)
    return true
  })
})

Deno.test(
  { name: "an uncaught error ends the thread with ThreadExitError carrying the message; the parent lives on", ...options },
  async () => {
    await assert.rejects(run(new Thread({ target: throwLater })), (error: unknown) => {
      assert.ok(error instanceof ThreadExitError, String(error))
      assert.match(error.message, /thrown from a timer/)
      return true
    })
    assert.equal(await run(new Thread({ target: (a: number, b: number) => a + b, args: [1, 2] })), 3)
  },
)

Deno.test({ name: "a daemon thread does not keep Deno alive; a non-daemon thread finishes first", ...options }, async () => {
  const fixture = new URL("./fixtures/daemon.ts", import.meta.url).pathname
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", fixture],
    stdout: "piped",
    stderr: "piped",
    // Only a guard against a hang, not a measurement: a live daemon would keep it running forever.
    signal: AbortSignal.timeout(30_000),
  }).output()
  const stdout = new TextDecoder().decode(output.stdout)
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr))
  assert.match(stdout, /main done/)
  assert.match(stdout, /non-daemon thread finished/)
})

// The adapter reaches node:module only when a module must load synchronously (importing it made
// Deno set up its Node layer in every worker, 45-80 ms of each fresh thread's start).
Deno.test(
  { name: "a fresh thread's first Queue works synchronously: the codec loads through node:module on demand", ...options },
  async () => {
    assert.deepEqual(await run(new Thread({ target: putAtOnce, args: [{ n: [1n, "x"] }] })), { ok: true, value: { n: [1n, "x"] } })
  },
)
