// The README's first command: set up a fresh checkout, build, and run the demo on Node.
// On a fresh machine it installs only what the Node demo needs: the workspace packages it runs
// and the build tools (the root's `dependencies`: tsup, typescript, @types/node), not the test
// runtimes and browsers (the root's devDependencies: Deno, Bun, Playwright, vitest...). A
// checkout that already has the full install keeps it. Each build step reports as it goes.
import { spawn, spawnSync } from "node:child_process"
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { ensureDependencies, ensurePnpm, env, root } from "./setup.mjs"

const tty = process.stdout.isTTY === true
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`

/**
 * The packages the Node demo runs and the demo's own CLI build (tsup only, no page), in stages:
 * a stage builds once the previous one has, and the steps of one stage build side by side.
 */
const BUILD_STAGES = [
  [{ name: "@weft/core", dir: "packages/core", args: ["run", "build"] }],
  [
    { name: "@weft/node", dir: "packages/node", args: ["run", "build"] },
    { name: "@weft/web", dir: "packages/web", args: ["run", "build"] },
    { name: "@weft/deno", dir: "packages/deno", args: ["run", "build"] },
  ],
  [{ name: "weftjs", dir: "packages/weft", args: ["run", "build"] }],
  [{ name: "the demo's CLI", dir: "apps/demo", args: ["exec", "tsup"] }],
]
const STEP_COUNT = BUILD_STAGES.flat().length

function fullInstallPresent() {
  const state = join(root, "node_modules", ".modules.yaml")
  return existsSync(state) && /"?devDependencies"?:\s*true/.test(readFileSync(state, "utf8"))
}

function installForDemo() {
  const started = performance.now()
  if (fullInstallPresent()) {
    ensureDependencies()
    return
  }
  console.log("Installing what the Node demo needs (its packages and the build tools; no test runtimes or browsers)...")
  // pnpm still checks the whole lockfile against the registry's metadata (most of what this
  // install downloads); that supply-chain check stays on.
  const args = ["install", "--frozen-lockfile", "--prefer-offline", "--prod", "--filter", "@weft/demo..."]
  const result = spawnSync("pnpm", args, { cwd: root, env, stdio: "inherit" })
  if (result.status !== 0) throw new Error(`pnpm ${args.join(" ")} failed with ${result.status ?? result.signal}`)
  console.log(`installed in ${seconds(performance.now() - started)}; \`npm test\` installs the rest\n`)
}

/** The newest modification time under `path` (files only), skipping node_modules. */
function newest(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let latest = 0
  for (const entry of readdirSync(path)) if (entry !== "node_modules") latest = Math.max(latest, newest(join(path, entry)))
  return latest
}

/** Built output is current when it is newer than every source, config and manifest of the package. */
function upToDate(dir) {
  const built = newest(join(root, dir, "dist"))
  if (built === 0) return false
  const inputs = ["src", "package.json", "tsup.config.ts", "tsconfig.json"].map((entry) => newest(join(root, dir, entry)))
  return built >= Math.max(...inputs)
}

/** Runs one build step; its output is shown only if it fails. */
function runStep(step, label, status) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn("pnpm", step.args, { cwd: join(root, step.dir), env, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    child.on("error", reject)
    child.on("close", (code) => {
      if (code !== 0) {
        status.print(`${label} failed`)
        process.stderr.write(output)
        reject(new Error(`building ${step.name} failed (exit ${code})`))
        return
      }
      status.print(`${label} built in ${seconds(performance.now() - started)}`)
      resolve()
    })
  })
}

/** A status line that shows what is building and for how long (on a terminal), under the finished steps. */
function statusLine() {
  const running = new Set()
  const started = performance.now()
  const draw = () =>
    tty &&
    running.size > 0 &&
    process.stdout.write(`\r\x1b[K  building ${[...running].join(", ")}... ${seconds(performance.now() - started)}`)
  const timer = tty ? setInterval(draw, 200) : undefined
  return {
    running,
    print(line) {
      process.stdout.write(`${tty ? "\r\x1b[K" : ""}${line}\n`)
      draw()
    },
    stop() {
      clearInterval(timer)
      if (tty) process.stdout.write("\r\x1b[K")
    },
  }
}

async function build() {
  const started = performance.now()
  console.log("Building the demo and the packages it runs:")
  const status = statusLine()
  let rebuilt = false
  let index = 0
  try {
    for (const stage of BUILD_STAGES) {
      const builds = []
      for (const step of stage) {
        const label = `  [${++index}/${STEP_COUNT}] ${step.name.padEnd(16)}`
        // A package is rebuilt when it changed or when one it depends on (an earlier stage) was.
        if (!rebuilt && upToDate(step.dir)) {
          status.print(`${label} up to date`)
          continue
        }
        status.running.add(step.name)
        builds.push(runStep(step, label, status).finally(() => status.running.delete(step.name)))
      }
      await Promise.all(builds)
      rebuilt ||= builds.length > 0
    }
  } finally {
    status.stop()
  }
  console.log(`ready in ${seconds(performance.now() - started)}\n`)
}

ensurePnpm()
installForDemo()
try {
  await build()
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
}
const demo = spawnSync(process.execPath, ["dist/cli.js", ...process.argv.slice(2)], {
  cwd: join(root, "apps", "demo"),
  env,
  stdio: "inherit",
})
process.exit(demo.status ?? 1)
