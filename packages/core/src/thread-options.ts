// The options of a Thread, apart from the class, so modules that only pass options around need not load it.

/**
 * Per-runtime options, keyed by runtime name. Adapters add their key by declaration merging
 * (`node: { resourceLimits }`, `deno: { permissions }`), so one options object works everywhere.
 */
// biome-ignore lint/suspicious/noEmptyInterface: adapters fill it by declaration merging
export interface RuntimeThreadOptions {}

type AnyFunction<R> = (...args: never[]) => R | PromiseLike<R>

export interface ThreadOptions<R = unknown> extends RuntimeThreadOptions {
  /** A function (registered or inline), or an object whose `method` runs in the thread. */
  readonly target?: AnyFunction<R> | object
  /** With an object target: the name of the method to call. */
  readonly method?: string
  /** The arguments `target` (or the method) is called with; each is copied into the thread. */
  readonly args?: readonly unknown[]
  /** The thread's name; defaults to `Thread-N (target)`. */
  readonly name?: string
  /** A daemon thread does not keep the process alive. Defaults to the creating thread's flag. */
  readonly daemon?: boolean
  /** Cancels the thread (cooperatively) when it aborts. */
  readonly signal?: AbortSignal
}

/** Options of `Thread.join()`. */
export interface JoinOptions {
  /** Milliseconds; when it passes, `join` rejects with `TimeoutError` and the thread runs on. */
  readonly timeout?: number
}
