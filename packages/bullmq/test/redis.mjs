// Starts Debian's redis-server on 127.0.0.1 and a free port, in a directory of its own, for the
// tests and benchmarks; stop() shuts it down. Nothing is left running.
import { spawn, spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

function redisBinary() {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" })
  if (found.status !== 0)
    throw new Error("redis-server is not installed: run scripts/setup.mjs (ensureRedis: apt-get install redis-server)")
  return found.stdout.trim()
}

/** A running Redis; `restart()` stops it (saving its data) and starts it again on the same port. */
export async function startRedis() {
  const binary = redisBinary()
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), "weft-redis-"))
  let child
  const launch = async () => {
    child = spawn(
      binary,
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
        "--dbfilename",
        "dump.rdb",
        "--daemonize",
        "no",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    )
    let log = ""
    await new Promise((resolve, reject) => {
      const onData = (chunk) => {
        log += chunk
        if (/Ready to accept connections/.test(log)) resolve()
      }
      child.stdout.on("data", onData)
      child.stderr.on("data", onData)
      child.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${log}`)))
    })
    child.stdout.resume()
    child.stderr.resume()
    child.removeAllListeners("exit")
  }
  const stop = async ({ save = false } = {}) => {
    if (child === undefined || child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once("exit", resolve))
    // SHUTDOWN SAVE writes the data even though --save "" turns periodic snapshots off.
    spawnSync(binary.replace(/redis-server$/, "redis-cli"), ["-p", String(port), "shutdown", save ? "save" : "nosave"], { stdio: "ignore" })
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000)
    await exited
    clearTimeout(timer)
  }
  await launch()
  return {
    host: "127.0.0.1",
    port,
    async restart() {
      await stop({ save: true })
      await launch()
    },
    stop: async () => {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
    get pid() {
      return child.pid
    },
  }
}
