// Serving processes for the tests: the weft-serve CLI from dist/, started and killed by the test.
import { spawn, type ChildProcess } from "node:child_process"
import { fileURLToPath } from "node:url"
import { bounded } from "../src/connection.js"

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url))
const conformanceTasks = ["pool-tasks.ts", "thread-tasks.ts", "executor-tasks.ts"].map((file) =>
  fileURLToPath(new URL(`../../conformance/src/tasks/${file}`, import.meta.url)),
)
export const clusterTasks = fileURLToPath(new URL("./fixtures/cluster-tasks.mjs", import.meta.url))

export interface ServerProcess {
  readonly child: ChildProcess
  readonly pid: number
  /** Resolves with the exit code or signal. */
  readonly exited: Promise<number | string>
  output(): string
  /** SIGTERM (graceful), or SIGKILL. */
  stop(signal?: NodeJS.Signals): Promise<number | string>
}

export interface ServerSettings {
  readonly port: number
  readonly queue: string
  readonly maxWorkers?: number
  readonly extra?: readonly string[]
  /** Task modules to load (default: the shared suite's and the cluster fixtures). */
  readonly modules?: readonly string[]
}

/** Every server still running: killed when the test process exits, even after a test that hung. */
const live = new Set<ChildProcess>()
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL")
})

/**
 * Runs a test's clean-up steps in order, each given at most `ms`: one that hangs (a pool
 * waiting on a job its server never finishes) does not keep the next (killing that server) from
 * running.
 */
export async function runCleanup(steps: (() => Promise<unknown>)[], ms = 15_000): Promise<void> {
  for (const step of steps) await bounded(step(), ms)
}

/** Starts `weft-serve` (through tsx, so it can load the shared suite's TypeScript tasks) and waits until it serves. */
export async function startServer({
  port,
  queue,
  maxWorkers = 2,
  extra = [],
  modules: files = [...conformanceTasks, clusterTasks],
}: ServerSettings): Promise<ServerProcess> {
  const modules = files.flatMap((file) => ["--module", file])
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      cli,
      "--queue",
      queue,
      "--redis",
      `redis://127.0.0.1:${port}`,
      "--max-workers",
      String(maxWorkers),
      ...modules,
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "pipe"], cwd: fileURLToPath(new URL("..", import.meta.url)) },
  )
  live.add(child)
  child.once("exit", () => live.delete(child))
  let log = ""
  child.stdout!.on("data", (chunk) => (log += chunk))
  child.stderr!.on("data", (chunk) => (log += chunk))
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")))
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (/weft-serve: .* serving/.test(log)) resolve()
    }
    child.stdout!.on("data", check)
    void exited.then((code) => reject(new Error(`weft-serve exited (${code}) before serving:\n${log}`)))
  })
  return {
    child,
    pid: child.pid!,
    exited,
    output: () => log,
    stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      // A server that does not close in time is killed: no test leaves a process behind.
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000)
      return exited.finally(() => clearTimeout(timer))
    },
  }
}
