import { createRequire } from "node:module"
import { parentPort, receiveMessageOnPort, threadId, Worker, type MessagePort, type ResourceLimits } from "node:worker_threads"
import type { Endpoint, MessageListener, Runtime, SpawnOptions, WorkerExit, WorkerHandle } from "@weft/core/adapter"

/** Node-only thread options, passed as `{ node: { ... } }` in `Thread`/`ThreadPool` options. */
export interface NodeThreadOptions {
  /** V8 heap limits for the worker; exceeding them ends the thread with `ThreadExitError`. */
  readonly resourceLimits?: ResourceLimits
  /** The worker's `process.env`; Node's `SHARE_ENV` symbol shares the parent's. */
  readonly env?: Record<string, string | undefined> | symbol
  /** Node flags for the worker (Node's `execArgv`); defaults to the parent's. */
  readonly execArgv?: string[]
  /** Values appended to the worker's `process.argv`. */
  readonly argv?: unknown[]
  /** When true, the worker's `process.stdout` is not piped to the parent's automatically. */
  readonly stdout?: boolean
  /** When true, the worker's `process.stderr` is not piped to the parent's automatically. */
  readonly stderr?: boolean
  /** Close file descriptors the worker opened with `fs.open()` when it exits (Node's default: true). */
  readonly trackUnmanagedFds?: boolean
}

declare module "@weft/core" {
  interface RuntimeThreadOptions {
    /** Options only Node applies (resource limits, env, execArgv, ...). */
    readonly node?: NodeThreadOptions
  }
}

const workerEntry = new URL("./worker.js", import.meta.url)

// Every worker loads this module, and most never need os, fs, path or url (about 0.2 MiB of heap
// each): they are required on first use instead.
const requireBuiltin = createRequire(import.meta.url)
const builtin = <T>(name: string): T => requireBuiltin(name) as T

class PortEndpoint implements Endpoint {
  readonly #listeners = new Set<MessageListener>()
  constructor(protected readonly port: MessagePort | Worker) {
    // Attached once, before any unref(): a listener added later would ref the worker again.
    port.on("message", (message: unknown) => {
      for (const listener of this.#listeners) listener(message)
    })
  }
  post(message: unknown, transfer?: readonly object[]): void {
    this.port.postMessage(message, transfer as never)
  }
  listen(onMessage: MessageListener): () => void {
    this.#listeners.add(onMessage)
    return () => this.#listeners.delete(onMessage)
  }
  close(): void {
    if ("close" in this.port) this.port.close()
  }
}

/** A worker's end of its parent port: can also be read synchronously. */
class ParentEndpoint extends PortEndpoint {
  receiveNow(): { readonly message: unknown } | undefined {
    return receiveMessageOnPort(this.port as MessagePort)
  }
}

class NodeWorkerHandle extends PortEndpoint implements WorkerHandle {
  readonly exited: Promise<WorkerExit>
  readonly threadId: number
  readonly #worker: Worker

  constructor(worker: Worker, daemon: boolean) {
    super(worker)
    this.#worker = worker
    this.threadId = worker.threadId
    let failure: unknown
    worker.on("error", (error) => (failure = error))
    this.exited = new Promise((resolve) => worker.once("exit", (code) => resolve({ code, error: failure })))
    if (daemon) worker.unref()
  }
  override close(): void {
    void this.terminate()
  }
  async terminate(): Promise<void> {
    await this.#worker.terminate()
  }
  ref(): void {
    this.#worker.ref()
  }
  unref(): void {
    this.#worker.unref()
  }
}

let parentEndpoint: Endpoint | undefined

let tsxReady: Promise<void> | undefined

/** The ESM entry of tsx's API as seen from `from`: its CJS twin cannot register the ESM hooks. */
function tsxApi(from: string): string | undefined {
  const { readFileSync } = builtin<typeof import("node:fs")>("node:fs")
  const { dirname, join } = builtin<typeof import("node:path")>("node:path")
  const { pathToFileURL } = builtin<typeof import("node:url")>("node:url")
  try {
    const manifest = createRequire(from).resolve("tsx/package.json")
    const exported = (JSON.parse(readFileSync(manifest, "utf8")) as { exports: Record<string, { import: string | { default: string } }> })
      .exports["./esm/api"].import
    return pathToFileURL(join(dirname(manifest), typeof exported === "string" ? exported : exported.default)).href
  } catch {
    return undefined
  }
}

/** Node 20 cannot strip types: a `.ts` task module is loaded through tsx, registered once per worker. */
function registerTsx(moduleUrl: string): Promise<void> {
  tsxReady ??= (async () => {
    const api = tsxApi(moduleUrl) ?? tsxApi(import.meta.url)
    if (api === undefined) {
      throw new Error(
        `${moduleUrl} is TypeScript, which Node ${process.version} cannot load in a worker by itself: install tsx (npm i -D tsx), or register targets from built JavaScript`,
      )
    }
    const { register } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ api)) as { register(): unknown }
    register()
  })()
  return tsxReady
}

async function importModule(url: string): Promise<unknown> {
  if (/\.[cm]?tsx?(\?|#|$)/.test(url) && !(process.features as { typescript?: unknown }).typescript) await registerTsx(url)
  return import(/* @vite-ignore */ /* webpackIgnore: true */ url)
}

/** The Node adapter (worker_threads); importing `@weft/node` binds core to it. */
export const nodeRuntime: Runtime = {
  name: "node",
  capabilities: { sharedMemory: true, blockingWait: true, asyncWait: typeof (Atomics as { waitAsync?: unknown }).waitAsync === "function" },
  spawn({ daemon = false, options }: SpawnOptions): WorkerHandle {
    const worker = new Worker(workerEntry, { ...(options as NodeThreadOptions | undefined) } as never)
    return new NodeWorkerHandle(worker, daemon)
  },
  parent(): Endpoint | undefined {
    if (parentPort === null) return undefined
    parentEndpoint ??= new ParentEndpoint(parentPort)
    return parentEndpoint
  },
  availableParallelism: () => builtin<typeof import("node:os")>("node:os").availableParallelism(),
  threadId: () => threadId,
  importModule,
  requireSync: (specifier: string, base: string): unknown => createRequire(base)(specifier),
  onExit(hook: () => void): void {
    // 'exit' fires in a worker for process.exit() and for an uncaught error alike, and it may still post.
    process.on("exit", () => hook())
  },
  keepAlive(): () => void {
    // A pending Atomics.waitAsync does not keep Node's event loop alive; a long timer does.
    const timer = setInterval(() => {}, 1 << 30)
    return () => clearInterval(timer)
  },
}
