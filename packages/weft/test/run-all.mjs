// The weft package's tests in every runtime it has a condition for, each writing its report to
// reports/ (counted by scripts/test-all.mjs): vitest on Node, deno test, bun test. The browser
// condition is proven by apps/demo's Playwright test, which drives a Vite-built page importing "weftjs".
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const cwd = fileURLToPath(new URL("..", import.meta.url))
const reports = process.env.WEFT_REPORT_DIR ?? fileURLToPath(new URL("../../../reports", import.meta.url))
const bin = (dir) => fileURLToPath(new URL(`${dir}node_modules/.bin`, import.meta.url))
const env = {
  ...process.env,
  PATH: `${bin("../")}:${bin("../../../")}:${process.env.PATH}`,
  DENO_NO_UPDATE_CHECK: "1",
  DENO_NO_PROMPT: "1",
}

const runs = [
  ["node (vitest)", "vitest", ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${reports}/weft-node.json`]],
  [
    "deno",
    "deno",
    ["test", "--allow-read", "--allow-env", "--no-check", "--reporter=dot", `--junit-path=${reports}/weft-deno.xml`, "test/deno_test.ts"],
  ],
  [
    "bun",
    "bun",
    ["test", "--timeout=30000", "--reporter=junit", `--reporter-outfile=${reports}/weft-bun.xml`, "./test/bun/conformance.ts"],
  ],
]

let failed = false
for (const [label, command, args] of runs) {
  console.log(`\n--- weft under ${label} ---`)
  const result = spawnSync(command, args, { cwd, env, stdio: "inherit" })
  if (result.status !== 0) {
    console.error(`weft under ${label} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`)
    failed = true
  }
}
process.exit(failed ? 1 : 0)
