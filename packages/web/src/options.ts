/** What `createWorker` gets: the thread's name, for the Worker's own `name` option if you like. */
export interface CreateWorkerContext {
  /** The thread's (or pool worker's) name, to pass to `new Worker(url, { name })`. */
  readonly name?: string
}

/**
 * Starts a module worker that runs a weft worker entry. For apps that bundle their own entry,
 * which imports `@weft/web/worker` and then the app's task modules:
 * `() => new Worker(new URL("./weft-worker.ts", import.meta.url), { type: "module" })`.
 */
export type CreateWorker = (context: CreateWorkerContext) => Worker

/** Browser-only thread options, passed as `{ web: { ... } }` in `Thread`/`ThreadPool` options. */
export interface WebThreadOptions {
  /** This thread's worker; overrides `configureWeb({ createWorker })` and the built-in entry. */
  readonly createWorker?: CreateWorker
}

/** Adapter-wide settings, set once at start-up with `configureWeb`. */
export interface WebConfig {
  /** Every thread's (and pool worker's) worker, unless a thread passes its own `web.createWorker`. */
  readonly createWorker?: CreateWorker
}

declare module "@weft/core" {
  interface RuntimeThreadOptions {
    /** Options only the browser adapter applies (e.g. `createWorker`). */
    readonly web?: WebThreadOptions
  }
}
