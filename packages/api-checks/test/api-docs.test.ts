// The API reference builds (TypeDoc over every public package) with every export documented:
// typedoc.json turns on validation.notDocumented and treats its warnings as errors.
import { spawnSync } from "node:child_process"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"
import { expect, test } from "vitest"

const typedoc = createRequire(import.meta.url).resolve("typedoc/bin/typedoc")
const here = fileURLToPath(new URL("..", import.meta.url))

test("the API reference builds with no undocumented export", () => {
  const run = spawnSync(process.execPath, [typedoc, "--options", "typedoc.json", "--emit", "none"], { cwd: here, encoding: "utf8" })
  const warnings = `${run.stdout}${run.stderr}`.split("\n").filter((line) => /warning|error/i.test(line))
  expect(warnings, warnings.join("\n")).toEqual([])
  expect(run.status).toBe(0)
})
