// Brings a fresh machine (Node and npm only) to a working checkout: pnpm at the pinned version,
// the workspace's dependencies, and Debian's Chromium, Firefox ESR and WebKitGTK for the browser
// tests. Idempotent.
import { execFileSync, spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

export const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const binDir = join(root, ".ci", ".bin")
const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager.split("@")[1]

export const env = {
  ...process.env,
  PATH: `${binDir}:${join(root, "node_modules", ".bin")}:${process.env.PATH}`,
  COREPACK_INTEGRITY_KEYS: "0",
  COREPACK_ENABLE_DOWNLOAD_PROMPT: "0",
  TURBO_TELEMETRY_DISABLED: "1",
  DENO_NO_UPDATE_CHECK: "1",
  DENO_NO_PROMPT: "1",
  CHROMIUM_PATH: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit", ...options })
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed with ${result.status ?? result.signal}`)
}

function pnpmVersion() {
  try {
    return execFileSync("pnpm", ["--version"], { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
  } catch {
    return undefined
  }
}

export function ensurePnpm() {
  if (pnpmVersion() === pinned) return
  mkdirSync(binDir, { recursive: true })
  try {
    run("corepack", ["enable", "--install-directory", binDir, "pnpm"])
  } catch {
    run("npm", ["install", "--no-save", "--prefix", join(root, ".ci", "pnpm"), `pnpm@${pinned}`])
    env.PATH = `${join(root, ".ci", "pnpm", "node_modules", ".bin")}:${env.PATH}`
  }
  if (pnpmVersion() !== pinned) throw new Error(`could not install pnpm ${pinned}`)
}

export function ensureDependencies() {
  run("pnpm", ["install", "--frozen-lockfile", "--prefer-offline"])
}

/** Debian's Chromium, for the browser suite; skipped where apt is missing (the suite then reports it). */
export function ensureChromium() {
  if (existsSync(env.CHROMIUM_PATH)) return true
  const apt = spawnSync("sh", ["-c", "command -v apt-get"], { env })
  if (apt.status !== 0) return false
  const sudo = process.getuid?.() === 0 ? [] : ["sudo"]
  const sh = (cmd) => spawnSync("sh", ["-c", [...sudo, cmd].join(" ")], { env, stdio: "inherit" }).status === 0
  sh("apt-get update -qq") && sh("DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium")
  return existsSync(env.CHROMIUM_PATH)
}

/** Debian's redis-server, for @weft/bullmq's tests and bench (they start and stop their own instance); skipped where apt is missing. */
export function ensureRedis() {
  const has = () => spawnSync("sh", ["-c", "command -v redis-server"], { env }).status === 0
  if (has()) return true
  const apt = spawnSync("sh", ["-c", "command -v apt-get"], { env })
  if (apt.status !== 0) return false
  const sudo = process.getuid?.() === 0 ? [] : ["sudo"]
  const sh = (cmd) => spawnSync("sh", ["-c", [...sudo, cmd].join(" ")], { env, stdio: "inherit" }).status === 0
  // The package's post-install may start a system-wide server where an init system exists: stop it, ours run on free ports.
  if (!sh("DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server"))
    sh("apt-get update -qq") && sh("DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server")
  sh("service redis-server stop >/dev/null 2>&1 || true")
  return has()
}

/**
 * Debian's Firefox ESR, and WebKitGTK's WebDriver with Xvfb, for the suite, fixture app and demo
 * page on the other two engines (packages/web/test/engines); skipped where apt is missing.
 */
export function ensureFirefoxAndWebKit() {
  const wanted = ["/usr/bin/firefox-esr", "/usr/bin/WebKitWebDriver", "/usr/bin/xvfb-run", "/usr/bin/xauth"]
  if (wanted.every((file) => existsSync(file))) return true
  const apt = spawnSync("sh", ["-c", "command -v apt-get"], { env })
  if (apt.status !== 0) return false
  const sudo = process.getuid?.() === 0 ? [] : ["sudo"]
  const sh = (cmd) => spawnSync("sh", ["-c", [...sudo, cmd].join(" ")], { env, stdio: "inherit" }).status === 0
  sh("apt-get update -qq") && sh("DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr webkit2gtk-driver xvfb xauth")
  return wanted.every((file) => existsSync(file))
}

export function setup({ browser = false } = {}) {
  ensurePnpm()
  ensureDependencies()
  if (browser) ensureChromium()
  if (browser) ensureFirefoxAndWebKit()
}
