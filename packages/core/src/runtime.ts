/** What a runtime can do; the conformance suite and the primitives read these flags. */
export interface Capabilities {
  /** `SharedArrayBuffer` exists and can be posted to workers (cross-origin isolated in browsers). */
  readonly sharedMemory: boolean
  /** `Atomics.wait` is allowed on the current thread. */
  readonly blockingWait: boolean
  /** `Atomics.waitAsync` exists. */
  readonly asyncWait: boolean
}

/** Receives each message that arrives on an endpoint. */
export type MessageListener = (message: unknown) => void

/** One side of a message channel between two threads. */
export interface Endpoint {
  /** Sends a message; objects in `transfer` move instead of being copied. */
  post(message: unknown, transfer?: readonly object[]): void
  /** Subscribes; returns the unsubscribe function. */
  listen(onMessage: MessageListener): () => void
  /** Closes this side of the channel. */
  close(): void
  /**
   * Takes the next message off the port without waiting, bypassing listeners (Node's
   * `receiveMessageOnPort`). Optional: where it exists, an idle pool worker polls briefly before
   * it sleeps, so a task sent right after a result starts without an event-loop wake-up.
   */
  receiveNow?():
    | {
        /** The message taken. */
        readonly message: unknown
      }
    | undefined
}

/** How a worker ended: what `WorkerHandle.exited` resolves with. */
export interface WorkerExit {
  /** The exit code, or `null` where the runtime reports none. */
  readonly code: number | null
  /** The uncaught error that ended the worker, if any. */
  readonly error?: unknown
}

/** The parent's handle on a worker it spawned. */
export interface WorkerHandle extends Endpoint {
  /** Settles once the worker is gone, whatever the reason. */
  readonly exited: Promise<WorkerExit>
  /** The runtime's own thread id where it has one (Node's `threadId`). */
  readonly threadId?: number
  /** Stops the worker now; resolves once it is dead. */
  terminate(): Promise<void>
  /** Keeps the process alive while the worker runs (the default). */
  ref(): void
  /** Lets the process exit while the worker runs (a daemon thread). */
  unref(): void
}

/** What `Runtime.spawn` needs to start a worker. */
export interface SpawnOptions {
  /** A label for debuggers and error messages. */
  readonly name?: string
  /** Whether the worker may keep the process alive; the adapter applies it after listeners are attached. */
  readonly daemon?: boolean
  /** The per-runtime option bag from the user (e.g. Node `resourceLimits`, Deno `permissions`). */
  readonly options?: Readonly<Record<string, unknown>>
}

/** The seam between the agnostic core and a platform. Adapters implement it; core owns everything else. */
export interface Runtime {
  /** The runtime's name; also the key of its options in `ThreadOptions`. */
  readonly name: "node" | "web" | "deno" | (string & {})
  /** What this runtime can do here (shared memory, blocking waits). */
  readonly capabilities: Capabilities
  /** Starts a worker running the adapter's worker entry (which calls `serveWorker`). */
  spawn(options: SpawnOptions): WorkerHandle
  /** Inside a worker: the link to its parent. On the main thread: `undefined`. */
  parent(): Endpoint | undefined
  /** How many threads can run at once; the default pool size. */
  availableParallelism(): number
  /** This thread's runtime-assigned id, where the runtime has one (Node's `threadId`). */
  threadId?(): number | undefined
  /**
   * Loads a task module by URL inside a worker. Adapters override it where a plain `import()`
   * is not enough (Node loading `.ts` through tsx).
   */
  importModule?(url: string): Promise<unknown>
  /**
   * Loads a CommonJS module synchronously, resolved from `base` (a module URL). Where a runtime
   * has it (Node, Deno), synchronous faces that need a lazily loaded dependency (the Queue's
   * codec) work before any `await`.
   */
  requireSync?(specifier: string, base: string): unknown
  /**
   * Inside a worker: runs `hook` synchronously when the worker is about to end by itself (an exit
   * call, an uncaught error), while it can still post. A pool worker sends the results it holds.
   * Optional: without it, such results are lost with the worker and their tasks run again.
   */
  onExit?(hook: () => void): void
  /** Keeps the current thread's event loop alive while a promise is pending (Node's async waits). */
  keepAlive?(): () => void
  /**
   * `spawn()` blocks the calling thread while the new worker starts (Deno's `new Worker()`: about
   * 20 ms). Core then boots its spare worker once the thread that took the last one has ended,
   * rather than while that thread runs and its result is about to arrive.
   */
  readonly spawnBlocks?: boolean
  /**
   * Whether core keeps a spare worker booted on this thread (default true). An adapter turns it
   * off where every extra `new Worker()` is a hazard to the thread making it (Firefox, inside a
   * worker: see the web adapter).
   */
  readonly spareWorker?: boolean
}

let current: Runtime | undefined

/** Binds core to a platform. Adapters call it once when they are imported. */
export function setRuntime(runtime: Runtime): void {
  current = runtime
}

/** Loads a task module in this thread: through the adapter where it overrides loading, else a plain import(). */
export function importTaskModule(url: string): Promise<unknown> {
  // The URL is known only at run time: the comments keep Vite, webpack and Rspack from trying to
  // bundle it (and from warning that they cannot).
  return current?.importModule !== undefined ? current.importModule(url) : import(/* @vite-ignore */ /* webpackIgnore: true */ url)
}

/** Whether an adapter has bound core to a runtime yet. */
export function hasRuntime(): boolean {
  return current !== undefined
}

/** The runtime adapters bound core to; throws a how-to-fix error when none was. */
export function getRuntime(): Runtime {
  if (current === undefined) {
    throw new Error(
      "weft: no runtime is set. Import from an adapter (`weftjs`, `@weft/node`, `@weft/web` or `@weft/deno`) instead of `@weft/core`, or call setRuntime() first.",
    )
  }
  return current
}
