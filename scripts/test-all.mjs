// Every test of the repository, then one closing line: `N passed, N failed`.
// Runners write machine-readable reports to reports/ (vitest JSON, Deno JUnit); the line sums them.
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { env, ensureRedis, root, setup } from "./setup.mjs"

setup({ browser: true })
ensureRedis() // @weft/bullmq's tests start their own redis-server on a free port and stop it after

const reports = join(root, "reports")
rmSync(reports, { recursive: true, force: true })
mkdirSync(reports, { recursive: true })
env.WEFT_REPORT_DIR = reports

const steps = [
  ["build", ["turbo", "run", "build"]],
  ["typecheck", ["turbo", "run", "typecheck"]],
  ["package lint (publint, attw)", ["turbo", "run", "lint:pkg"]],
  biomeStep(),
  ["tests", ["turbo", "run", "test", "--concurrency=1", "--continue"]],
  packedTarballsStep(),
  benchSmokeStep(),
]

// The published shape: packs every public package and runs the tarballs from a scratch project
// (scripts/packed); its tests count through reports/packed.xml.
function packedTarballsStep() {
  return ["packed tarballs", ["node", "scripts/packed/run.mjs"]]
}
// Biome's linter and formatter check (biome.json); fails on an error or an unformatted file
// (`npm run format` fixes those), prints warnings.
function biomeStep() {
  return ["lint + format (biome)", ["biome", "ci", "packages", "apps", "bench", "scripts"]]
}

// Every bench/*.bench.mjs once at tiny sizes (no assertion on time) and the summary table:
// proves the benches still run; one test case per bench file in reports/bench-smoke.xml.
function benchSmokeStep() {
  return ["bench smoke", ["node", "scripts/bench.mjs", "--smoke", "--no-build"]]
}
const countedByReport = new Set(["tests", "packed tarballs", "bench smoke"])

const checks = []
for (const [label, [command, ...args]] of steps) {
  console.log(`\n=== ${label} ===`)
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit" })
  checks.push({ label, ok: result.status === 0 })
  if (label === "build" && result.status !== 0) break
}

let passed = 0
let failed = 0
let skipped = 0
const lines = []
const reportFiles = existsSync(reports)
  ? readdirSync(reports)
      .filter((file) => /\.(json|xml)$/.test(file))
      .sort()
  : []
for (const file of reportFiles) {
  const text = readFileSync(join(reports, file), "utf8")
  let p = 0
  let f = 0
  let s = 0
  if (file.endsWith(".json")) {
    const report = JSON.parse(text)
    p = report.numPassedTests
    f = report.numFailedTests + (report.numFailedTestSuites ?? 0) - countSuitesWithFailedTests(report)
    s = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
  } else if (file.endsWith(".xml")) {
    const cases = [...text.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)]
    for (const match of cases) {
      const body = match[2] ?? ""
      if (/<(failure|error)\b/.test(body)) f++
      else if (/<skipped\b/.test(body)) s++
      else p++
    }
  }
  lines.push(`${file}: ${p} passed, ${f} failed, ${s} skipped`)
  passed += p
  failed += f
  skipped += s
}

function countSuitesWithFailedTests(report) {
  return (report.testResults ?? []).filter(
    (suite) => suite.status === "failed" && (suite.assertionResults ?? []).some((a) => a.status === "failed"),
  ).length
}

// Static checks count as one test each: a red build, typecheck or package lint fails the run.
for (const check of checks) {
  if (countedByReport.has(check.label)) continue
  lines.push(`${check.label}: ${check.ok ? "ok" : "FAILED"}`)
  if (check.ok) passed++
  else failed++
}
const testsStep = checks.find((c) => c.label === "tests")
const packedStep = checks.find((c) => c.label === "packed tarballs")
if (packedStep && !packedStep.ok && !reportFiles.includes("packed.xml")) {
  lines.push("the packed-tarball tests exited non-zero without a report")
  failed++
}
const benchStep = checks.find((c) => c.label === "bench smoke")
if (benchStep && !benchStep.ok && !reportFiles.includes("bench-smoke.xml")) {
  lines.push("the bench smoke run exited non-zero without a report")
  failed++
}
if (testsStep && !testsStep.ok && failed === 0) {
  lines.push("a test runner exited non-zero without a failed test in its report")
  failed++
}
if (!testsStep) failed++

console.log(`\n=== summary ===\n${lines.join("\n")}\nskipped by capability: ${skipped}`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
