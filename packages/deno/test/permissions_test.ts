// Per-thread Deno permissions: a thread inherits its parent's by default and can be given less.
import assert from "node:assert/strict"
import { Thread, ThreadTargetError } from "@weft/deno"
import { readEnv, readText } from "./permission-tasks.ts"

const here = new URL(".", import.meta.url)
const inside = new URL("permission-tasks.ts", here).pathname
const outside = new URL("../package.json", here).pathname
const options = { sanitizeOps: false, sanitizeResources: false }

async function run<R>(thread: Thread<R>): Promise<R> {
  thread.start()
  return thread.join()
}

/** join() rejects with Deno's own NotCapable error, class restored, naming what was denied. */
async function deniedWith(thread: Thread<unknown>, what: RegExp): Promise<void> {
  await assert.rejects(run(thread), (error: unknown) => {
    assert.ok(error instanceof Deno.errors.NotCapable, `expected Deno.errors.NotCapable, got ${String(error)}`)
    assert.equal((error as Error).name, "NotCapable")
    assert.match((error as Error).message, what)
    return true
  })
}

Deno.test({ name: "by default a thread has its parent's permissions", ...options }, async () => {
  assert.equal(await run(new Thread({ target: readText, args: [outside] })), Deno.readTextFileSync(outside))
  assert.equal(await run(new Thread({ target: readEnv, args: ["PATH"] })), Deno.env.get("PATH"))
})

Deno.test({ name: 'permissions "none": a read fails with Deno.errors.NotCapable and the parent is unharmed', ...options }, async () => {
  // Inline targets: a thread with no read permission cannot load a task module (see below).
  const read = (path: string) => Deno.readTextFileSync(path)
  const env = (name: string) => Deno.env.get(name)
  await deniedWith(new Thread({ target: read, args: [outside], deno: { permissions: "none" } }), /read access/)
  await deniedWith(new Thread({ target: env, args: ["PATH"], deno: { permissions: "none" } }), /env access/)
  // The parent keeps its own grant, and so does the next thread it starts.
  assert.ok(Deno.readTextFileSync(outside).length > 0)
  assert.equal(await run(new Thread({ target: readText, args: [outside] })), Deno.readTextFileSync(outside))
})

Deno.test(
  { name: "a thread without read access to its task module fails with ThreadTargetError saying what to grant", ...options },
  async () => {
    await assert.rejects(run(new Thread({ target: readText, args: [outside], deno: { permissions: "none" } })), (error: unknown) => {
      assert.ok(error instanceof ThreadTargetError, String(error))
      assert.ok((error as Error).cause instanceof Deno.errors.NotCapable)
      assert.match((error as Error).message, /permissions\.read/)
      return true
    })
  },
)

Deno.test(
  {
    name: "without deno.permissions, a task module the process may not read gets an --allow-read hint, not a permissions.read one",
    ...options,
  },
  async () => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        `--deny-read=${inside}`,
        "--allow-env",
        "--sloppy-imports",
        "--no-check",
        new URL("fixtures/read-hint.ts", here).pathname,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output()
    const stdout = new TextDecoder().decode(output.stdout)
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr))
    assert.match(stdout, /^ThreadTargetError: .*--allow-read covering .*permission-tasks\.ts/m)
    assert.doesNotMatch(stdout, /deno\.permissions|permissions\.read/)
  },
)

Deno.test({ name: "a narrower grant allows what it lists and denies the rest", ...options }, async () => {
  const permissions = { read: [new URL(".", here).pathname] }
  assert.equal(await run(new Thread({ target: readText, args: [inside], deno: { permissions } })), Deno.readTextFileSync(inside))
  await deniedWith(new Thread({ target: readText, args: [outside], deno: { permissions } }), /read access/)
  // Deno's object form denies every permission it does not list.
  await deniedWith(new Thread({ target: readEnv, args: ["PATH"], deno: { permissions } }), /env access/)
})

Deno.test({ name: "a thread cannot be given more than its parent: start() throws and leaves it unstarted", ...options }, () => {
  // The test process runs without --allow-net.
  const thread = new Thread({ target: readEnv, args: ["PATH"], deno: { permissions: { net: true } } })
  assert.throws(
    () => thread.start(),
    (error: unknown) => error instanceof Deno.errors.NotCapable && /escalate/.test((error as Error).message),
  )
  assert.equal(thread.ident, null)
  assert.equal(thread.isAlive(), false)
})
