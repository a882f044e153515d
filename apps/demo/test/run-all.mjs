// The demo's tests, each runner writing its report to reports/ (counted by scripts/test-all.mjs):
// vitest on Node (render styles, PNG encoder, the CLI, and the built page in Chromium), then
// deno test (render styles and the CLI under `deno run`), then the built page in Firefox and WebKit.
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
  ["node (vitest)", "vitest", ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${reports}/demo-node.json`]],
  [
    "deno",
    "deno",
    [
      "test",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-run",
      "--sloppy-imports",
      "--no-check",
      "--reporter=dot",
      `--junit-path=${reports}/demo-deno.xml`,
      "test/render_test.ts",
    ],
  ],
  ["firefox and webkit", process.execPath, ["test/engines.mjs"]],
]

let failed = false
for (const [label, command, args] of runs) {
  console.log(`\n--- demo under ${label} ---`)
  const result = spawnSync(command, args, { cwd, env, stdio: "inherit" })
  if (result.status !== 0) {
    console.error(`demo tests under ${label} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`)
    failed = true
  }
}
process.exit(failed ? 1 : 0)
