// Runs every benchmark under bench/ in one go and prints their ratio tables.
import { spawnSync } from "node:child_process"
import { readdirSync } from "node:fs"
import { join } from "node:path"
import { env, ensureRedis, root, setup } from "./setup.mjs"

setup()
ensureRedis() // cluster.bench.mjs starts its own redis-server
const build = spawnSync("turbo", ["run", "build", "--output-logs=errors-only"], { cwd: root, env, stdio: "inherit" })
if (build.status !== 0) process.exit(build.status ?? 1)
const only = process.argv[2]
for (const file of readdirSync(join(root, "bench")).filter((f) => f.endsWith(".bench.mjs")).sort()) {
  if (only && !file.includes(only)) continue
  console.log(`\n### ${file}`)
  const result = spawnSync("node", [join(root, "bench", file)], { cwd: root, env, stdio: "inherit" })
  if (result.status !== 0) process.exitCode = 1
}
