// Runs deno.bench.ts under the repository's own Deno (the `deno` npm package), so `npm run bench`
// covers Deno beside Node.
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const deno = fileURLToPath(new URL("../node_modules/.bin/deno", import.meta.url))
const result = spawnSync(deno, ["run", "--allow-read", "--allow-env", fileURLToPath(new URL("./deno.bench.ts", import.meta.url))], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1" },
})
process.exit(result.status ?? 1)
