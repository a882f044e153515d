// The API reference builds (TypeDoc over every public package) with every export documented:
// typedoc.json turns on validation.notDocumented and treats its warnings as errors.
import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { expect, test } from "vitest"

const manifest = createRequire(import.meta.url).resolve("typedoc/package.json")
const typedoc = join(dirname(manifest), (JSON.parse(readFileSync(manifest, "utf8")) as { bin: { typedoc: string } }).bin.typedoc)
const here = fileURLToPath(new URL("..", import.meta.url))

test("the API reference builds with no undocumented export", () => {
  const run = spawnSync(process.execPath, [typedoc, "--options", "typedoc.json", "--emit", "none"], { cwd: here, encoding: "utf8" })
  const warnings = `${run.stdout}${run.stderr}`.split("\n").filter((line) => /warning|error/i.test(line))
  expect(warnings, warnings.join("\n")).toEqual([])
  expect(run.status).toBe(0)
})
