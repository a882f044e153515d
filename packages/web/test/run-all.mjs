// The adapter's browser tests, each runner writing its report to reports/ (counted by
// scripts/test-all.mjs): vitest in Chromium (the suite on an isolated and an open page, the
// built fixture app), then the same suite and fixture app as pages in Firefox and WebKit.
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const cwd = fileURLToPath(new URL("..", import.meta.url))
const reports = process.env.WEFT_REPORT_DIR ?? fileURLToPath(new URL("../../../reports", import.meta.url))
const bin = (dir) => fileURLToPath(new URL(`${dir}node_modules/.bin`, import.meta.url))
const env = { ...process.env, PATH: `${bin("../")}:${bin("../../../")}:${process.env.PATH}`, WEFT_REPORT_DIR: reports }

const runs = [
  ["chromium (vitest)", "vitest", ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${reports}/web.json`]],
  ["firefox and webkit", process.execPath, ["test/engines/run-engines.mjs"]],
]

let failed = false
for (const [label, command, args] of runs) {
  console.log(`\n--- web tests in ${label} ---`)
  const result = spawnSync(command, args, { cwd, stdio: "inherit", env })
  if (result.status !== 0) {
    console.error(`web tests in ${label} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`)
    failed = true
  }
}
process.exit(failed ? 1 : 0)
