// The README's first command: set up a fresh checkout, build, and run the demo on Node.
import { spawnSync } from "node:child_process"
import { env, root, setup } from "./setup.mjs"

setup()
const build = spawnSync("turbo", ["run", "build", "--output-logs=errors-only"], { cwd: root, env, stdio: "inherit" })
if (build.status !== 0) process.exit(build.status ?? 1)
const demo = spawnSync("pnpm", ["--filter", "@weft/demo", "start", ...process.argv.slice(2)], { cwd: root, env, stdio: "inherit" })
process.exit(demo.status ?? 1)
