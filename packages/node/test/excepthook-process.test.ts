// An excepthook that throws must not end the process: run it in a child process and read its
// exit code and output.
import { expect, test } from "vitest"
import { runFixture } from "./run-fixture.js"

test("an excepthook that throws prints both errors (Exception in threading.excepthook) and the process goes on", async () => {
  const { code, stdout, stderr } = await runFixture("throwing-excepthook.mjs")
  expect(stderr).toContain("Exception in thread orphan:")
  expect(stderr).toContain("TypeError: nobody is listening")
  expect(stderr).toContain("Exception in threading.excepthook:")
  expect(stderr).toContain("RangeError: the hook broke")
  expect(stdout).toContain("went on: 5")
  expect(code).toBe(0)
})
