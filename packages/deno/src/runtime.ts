import {
  type Endpoint,
  ExitHooks,
  PostedWorkerHandle,
  type Runtime,
  scopeEndpoint,
  type SpawnOptions,
  type WorkerHandle,
  type WorkerScope,
} from "@weft/core/adapter"
import type { DenoThreadOptions } from "./options.js"

/** Deno's node:module, loaded on first use (process.getBuiltinModule: Deno 2.1+). */
function nodeModule(): typeof import("node:module") {
  const process = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process
  const loaded = process?.getBuiltinModule?.("node:module") as typeof import("node:module") | undefined
  if (loaded === undefined)
    throw new Error("weft loads a module synchronously through process.getBuiltinModule, which needs Deno 2.1 or later")
  return loaded
}

// Built as dist/*.js; published to JSR as dist too. Run from source (tests of the adapter
// itself), the sibling is worker.ts.
const workerEntry = new URL(import.meta.url.endsWith(".ts") ? "./worker.ts" : "./worker.js", import.meta.url)
// A thread given its own deno.permissions loads the entry with this mark, so its errors can say
// which grant to widen (the thread's, or the process's --allow-read).
const NARROWED = "permissions"
const narrowedEntry = new URL(`${workerEntry.href}?${NARROWED}`)
const isNarrowed = (): boolean => (globalThis as { location?: { search?: string } }).location?.search === `?${NARROWED}`

/** Deno workers have no exit event: a worker announces its own end with this envelope. */
const EXIT = "weft:deno-exit"
type ExitNotice = { readonly [EXIT]: number | null }

function isExitNotice(data: unknown): data is ExitNotice {
  return typeof data === "object" && data !== null && EXIT in data
}

// Deno's Worker has no public ref()/unref(); its node:worker_threads layer refs a web Worker
// through an unnamed symbol method on Worker.prototype. Found by shape: on a Deno without it,
// ref()/unref() do nothing and a daemon thread keeps the process alive until it ends.
const refSymbol: symbol | undefined =
  typeof Worker === "function"
    ? Object.getOwnPropertySymbols(Worker.prototype).find(
        (s) => s.description === undefined && typeof (Worker.prototype as never)[s] === "function",
      )
    : undefined

/** The parent's handle on a Deno worker: core's PostedWorkerHandle with Deno's hooks. */
function denoWorkerHandle(worker: Worker, daemon: boolean): WorkerHandle {
  const handle = new PostedWorkerHandle(
    { post: (message, transfer) => worker.postMessage(message, transfer as Transferable[]), terminate: () => worker.terminate() },
    {
      exitNotice: (data) => (isExitNotice(data) ? { code: data[EXIT] } : undefined),
      // A worker's messages may arrive after its error event (they travel apart): they still count.
      dropAfterEnd: false,
      setRef:
        refSymbol === undefined ? undefined : (refed) => (worker as unknown as Record<symbol, (ref: boolean) => void>)[refSymbol](refed),
    },
  )
  worker.onmessage = (event: MessageEvent) => handle.receive(event.data)
  // An uncaught error ends a Deno worker; preventDefault keeps it from ending the parent too.
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault()
    handle.end({ code: null, error: event.error ?? new Error(event.message) })
  }
  if (daemon) handle.unref()
  return handle
}

interface DenoScope extends WorkerScope {
  addEventListener(type: "message", listener: (event: { readonly data: unknown }) => void): void
  addEventListener(type: "error" | "unload", listener: () => void): void
}

function inWorker(): boolean {
  return typeof WorkerGlobalScope === "function" && globalThis instanceof WorkerGlobalScope
}

let parentEndpoint: Endpoint | undefined
/** Core's onExit hooks run before the exit notice, so what they post arrives while the parent still listens. */
const exitHooks = new ExitHooks()

/** Inside a worker: the link to the parent (core's scopeEndpoint), and the end close() does not see. */
function workerEndpoint(): Endpoint {
  const scope = globalThis as unknown as DenoScope
  // Deno.exit(n) in a worker ends only the worker, after dispatching `unload` with Deno.exitCode
  // set; an uncaught error runs the hooks first (once; unload finds them done).
  scope.addEventListener("unload", () => {
    exitHooks.run()
    scope.postMessage({ [EXIT]: Deno.exitCode } satisfies ExitNotice)
  })
  return scopeEndpoint(scope, { closeNotice: { [EXIT]: null } satisfies ExitNotice, exitHooks })
}

/** The Deno adapter (module workers); importing `@weft/deno` binds core to it. */
export const denoRuntime: Runtime = {
  name: "deno",
  // Deno allows Atomics.wait on its main thread as well as in workers.
  capabilities: { sharedMemory: true, blockingWait: true, asyncWait: typeof (Atomics as { waitAsync?: unknown }).waitAsync === "function" },
  // new Worker() returns only once the worker's runtime exists (~20 ms of the caller's time).
  spawnBlocks: true,
  spawn({ name, daemon = false, options }: SpawnOptions): WorkerHandle {
    const permissions = (options as DenoThreadOptions | undefined)?.permissions
    // Without `deno.permissions` the worker inherits the parent's and needs no unstable flag.
    // A thread that inherits from a narrowed one is narrowed too.
    const entry = permissions !== undefined || isNarrowed() ? narrowedEntry : workerEntry
    const worker = new Worker(entry, { type: "module", name, ...(permissions === undefined ? {} : { deno: { permissions } }) })
    return denoWorkerHandle(worker, daemon)
  },
  parent(): Endpoint | undefined {
    if (!inWorker()) return undefined
    parentEndpoint ??= workerEndpoint()
    return parentEndpoint
  },
  availableParallelism: () => navigator.hardwareConcurrency,
  async importModule(url: string): Promise<unknown> {
    try {
      return await import(/* @vite-ignore */ /* webpackIgnore: true */ url)
    } catch (error) {
      // A computed import() runs under the thread's own permissions (the worker entry's static
      // graph is loaded under the parent's), so a narrowed thread may not read its task module.
      // Deno reports it as a TypeError carrying the permission message; it is rethrown as NotCapable.
      if (!(error instanceof Error) || !/^Requires \w+ access/.test(error.message)) throw error
      const hint = isNarrowed()
        ? `${error.message}. A thread started with deno.permissions loads its task modules under those permissions: grant read access to ${url} (permissions.read) or pass a self-contained inline function`
        : `${error.message}. Every thread imports its task modules: run deno with --allow-read covering ${url} (or pass a self-contained inline function)`
      throw new Deno.errors.NotCapable(hint, { cause: error })
    }
  },
  // node:module is reached only when needed: importing it sets up Deno's Node layer in every
  // worker, 45-80 ms of each fresh thread's start (a bare worker starts in ~60-90 ms).
  requireSync: (specifier: string, base: string): unknown => nodeModule().createRequire(base)(specifier),
  onExit(hook: () => void): void {
    exitHooks.add(hook)
  },
  keepAlive(): () => void {
    // A pending Atomics.waitAsync does not keep Deno's event loop alive; an interval does.
    const timer = setInterval(() => {}, 1 << 30)
    return () => clearInterval(timer)
  },
}
