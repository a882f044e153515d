// An excepthook that throws must not end the process: run it in a child process and read its
// exit code and output.
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { expect, test } from "vitest"

function runFixture(name: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const file = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.on("error", reject)
    child.on("exit", (code) => resolve({ code, stdout, stderr }))
  })
}

test("an excepthook that throws prints both errors (Exception in threading.excepthook) and the process goes on", async () => {
  const { code, stdout, stderr } = await runFixture("throwing-excepthook.mjs")
  expect(stderr).toContain("Exception in thread orphan:")
  expect(stderr).toContain("TypeError: nobody is listening")
  expect(stderr).toContain("Exception in threading.excepthook:")
  expect(stderr).toContain("RangeError: the hook broke")
  expect(stdout).toContain("went on: 5")
  expect(code).toBe(0)
})
