// Runs the packed-tarball tests (after a build) and writes a JUnit report into $WEFT_REPORT_DIR
// (default reports/), which scripts/test-all.mjs counts.
import { spawnSync } from "node:child_process"
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { env, root } from "../setup.mjs"

const reports = process.env.WEFT_REPORT_DIR ?? join(root, "reports")
mkdirSync(reports, { recursive: true })
const args = [
  "--test",
  "--test-concurrency=1",
  "--test-reporter=spec",
  "--test-reporter-destination=stdout",
  "--test-reporter=junit",
  `--test-reporter-destination=${join(reports, "packed.xml")}`,
  join(root, "scripts", "packed", "packed.test.mjs"),
]
const result = spawnSync(process.execPath, args, { cwd: root, env, stdio: "inherit" })
process.exit(result.status ?? 1)
