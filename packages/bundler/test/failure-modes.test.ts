// Failure modes of unbundled or hand-bundled Node programs: each must end with a message that
// names the cause and the fix (the browser ones run in the matrix).
import { spawn } from "node:child_process"
import { cpSync, mkdtempSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { afterAll, describe, expect, test } from "vitest"

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url))

function runFixture(file: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(fixtures, file)], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    child.stderr.on("data", (chunk) => (stderr += chunk))
    // Without the guard the program nests forever: the test's own timeout would fail it, this ends it.
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000)
    child.on("exit", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

const scratch = mkdtempSync(join(tmpdir(), "weft-two-cores-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe("failure modes name their cause and fix", () => {
  test("a task registered in the entry module, no guard: stopped before the worker spawns more threads, naming isMainThread()", async () => {
    const { code, stdout } = await runFixture("entry-with-task.mjs")
    expect(code).toBe(0)
    const result = JSON.parse(stdout.trim().split("\n").at(-1)!)
    expect(result.ok).toBe(false)
    expect(result.name).toBe("ThreadTargetError")
    expect(result.message).toMatch(/could not load file:\/\/\S+entry-with-task\.mjs to find "square"/)
    expect(result.message).toMatch(
      /the thread Thread-\d+ \(square\) was started by file:\/\/\S+entry-with-task\.mjs while a worker was importing it/,
    )
    expect(result.message).toMatch(/if \(isMainThread\(\)\) \{ \.\.\. \}/)
    // Exactly one line: the worker's copy of the program never reached its console.log.
    expect(stdout.trim().split("\n")).toHaveLength(1)
  })

  test("two copies of core in one worker: the message names both files", async () => {
    // A second copy of core's build, as a bundle that inlined it would carry.
    const core = dirname(createRequire(import.meta.url).resolve("@weft/core"))
    const copy = join(scratch, "core-copy")
    cpSync(core, copy, { recursive: true })
    const { code, stdout } = await runFixture("two-cores-main.mjs", { WEFT_SECOND_CORE: pathToFileURL(join(copy, "index.js")).href })
    expect(code).toBe(0)
    const result = JSON.parse(stdout.trim().split("\n").at(-1)!)
    expect(result.ok).toBe(false)
    expect(result.name).toBe("ThreadTargetError")
    expect(result.message).toContain(`"cube" is not in this registry: this thread has two copies of weft's core`)
    expect(result.message).toContain(pathToFileURL(core).href)
    expect(result.message).toContain(pathToFileURL(copy).href)
  })
})
