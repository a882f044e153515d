#!/usr/bin/env node
// weft-serve: run a ClusterPool server from the command line.
//   weft-serve --queue jobs --module ./dist/tasks.js [--module ...] [--redis redis://host:6379] [--max-workers N]
import { parseArgs } from "node:util"
import { serve } from "./serve.js"

const usage = `usage: weft-serve --queue NAME --module PATH [--module PATH ...] [options]

  --queue NAME          the BullMQ queue your ClusterPool submits to (required)
  --module PATH         a module that registers tasks with threadable(); repeat for more (required)
  --redis URL           Redis to connect to (default redis://127.0.0.1:6379, or $REDIS_URL)
  --max-workers N       threads of this server's pool (default: available parallelism)
  --concurrency N       jobs held at once (default 2 x max-workers)
  --grace-ms N          how long a stopped task may run on before its thread is terminated (default 1000)
  --prefix P            BullMQ key prefix (default bull)
  --lock-duration N     BullMQ lockDuration, ms (default 30000)
  --stalled-interval N  BullMQ stalledInterval, ms (default 30000)
  --max-stalled N       BullMQ maxStalledCount (default 1)
  --close-timeout N     on SIGTERM/SIGINT, ms to let running jobs finish before they are requeued (default 10000)
`

function main(): void {
  let values
  try {
    ;({ values } = parseArgs({
      options: {
        queue: { type: "string" },
        module: { type: "string", multiple: true },
        redis: { type: "string" },
        "max-workers": { type: "string" },
        concurrency: { type: "string" },
        "grace-ms": { type: "string" },
        prefix: { type: "string" },
        "lock-duration": { type: "string" },
        "stalled-interval": { type: "string" },
        "max-stalled": { type: "string" },
        "close-timeout": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }))
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error))
  }
  if (values.help) {
    process.stdout.write(usage)
    return
  }
  if (values.queue === undefined) fail("--queue is required")
  if (values.module === undefined || values.module.length === 0) fail("at least one --module is required")
  const url = new URL(values.redis ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379")
  const connection = {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
  }
  const server = serve({
    connection,
    queue: values.queue,
    modules: values.module,
    maxWorkers: int(values["max-workers"], "--max-workers"),
    concurrency: int(values.concurrency, "--concurrency"),
    graceMs: int(values["grace-ms"], "--grace-ms"),
    prefix: values.prefix,
    lockDuration: int(values["lock-duration"], "--lock-duration"),
    stalledInterval: int(values["stalled-interval"], "--stalled-interval"),
    maxStalledCount: int(values["max-stalled"], "--max-stalled"),
  })
  const closeTimeout = int(values["close-timeout"], "--close-timeout")
  server.ready.then(
    () => console.log(`weft-serve: ${server.name} serving queue "${values.queue}" with ${server.pool.maxWorkers} threads`),
    (error: unknown) => {
      console.error("weft-serve: could not start:", error)
      process.exit(1)
    },
  )
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) {
      console.error(`weft-serve: ${signal} again, exiting now`)
      process.exit(1)
    }
    stopping = true
    // close() needs Redis to hand jobs back; if it is unreachable, do not hang forever.
    const deadline = (closeTimeout ?? 10_000) + (int(values["grace-ms"], "--grace-ms") ?? 1000) + 5000
    setTimeout(() => {
      console.error(`weft-serve: could not close within ${deadline} ms (is Redis reachable?); exiting`)
      process.exit(1)
    }, deadline).unref()
    server.close({ timeout: closeTimeout }).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("weft-serve: close failed:", error)
        process.exit(1)
      },
    )
  }
  process.on("SIGTERM", () => stop("SIGTERM"))
  process.on("SIGINT", () => stop("SIGINT"))
}

function int(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0) fail(`${flag} takes a whole number, got "${text}"`)
  return value
}

function fail(message: string): never {
  process.stderr.write(`weft-serve: ${message}\n\n${usage}`)
  process.exit(2)
}

main()
