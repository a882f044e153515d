// The library's error classes. Each is pre-registered under a reserved `weft:` key (see
// registry.ts) so that `instanceof` still holds after an error crosses a thread boundary.

/** A target that cannot run in a thread: unregistered, not found, or an argument that cannot be copied. */
export class ThreadTargetError extends Error {
  /** Kept when the error crosses threads, so `name` still tells the class. */
  override name = "ThreadTargetError"
}

/** The thread's worker exited (or crashed) before its target finished. */
export class ThreadExitError extends Error {
  /** Kept when the error crosses threads, so `name` still tells the class. */
  override name = "ThreadExitError"
  /** The worker's exit code; `null` when the runtime does not report one (a crash in a browser). */
  exitCode: number | null
  constructor(message: string, exitCode: number | null, options?: { cause?: unknown }) {
    super(message, options)
    this.exitCode = exitCode
  }
}

/** The thread (or pool task) was stopped by `terminate()` or a shutdown before it finished. */
export class ThreadTerminatedError extends Error {
  /** Kept when the error crosses threads, so `name` still tells the class. */
  override name = "ThreadTerminatedError"
}

/** A wait (join, result, acquire, get) ran past its `timeout`. */
export class TimeoutError extends Error {
  /** Kept when the error crosses threads, so `name` still tells the class. */
  override name = "TimeoutError"
}

/** The work was cancelled: what a cancelled thread's signal or a cancelled future rejects with by default. */
export class CancelledError extends Error {
  /** Kept when the error crosses threads, so `name` still tells the class. */
  override name = "CancelledError"
}

/** A `Barrier` was reset, aborted or timed out, so its waiting parties cannot pass. */
export class BrokenBarrierError extends Error {
  /** Kept when the error crosses threads, so `name` still tells the class. */
  override name = "BrokenBarrierError"
}

/** A timed `Queue.get()` found the queue still empty when its `timeout` passed. */
export class QueueEmpty extends Error {
  /** Kept when the error crosses threads, so `name` still tells the class. */
  override name = "QueueEmpty"
}

/** A timed `Queue.put()` found the queue still full; also a submit to a pool whose `maxQueue` is reached. */
export class QueueFull extends Error {
  /** Kept when the error crosses threads, so `name` still tells the class. */
  override name = "QueueFull"
}

/** The `Queue` was shut down: no more puts, and gets fail once it is drained. */
export class QueueShutDown extends Error {
  /** Kept when the error crosses threads, so `name` still tells the class. */
  override name = "QueueShutDown"
}

/** Python's RuntimeError: misuse of a thread or a primitive (an Error named `RuntimeError`). */
export class RuntimeError extends Error {
  /** Kept when the error crosses threads, so `name` still tells the class. */
  override name = "RuntimeError"
}

/**
 * Python's `concurrent.futures.thread.BrokenThreadPool`: a pool whose initializer failed or whose
 * worker died before it was ready. Its pending futures reject with it and `submit` refuses with
 * it; `cause` is the initializer's error or the worker's exit (a `ThreadExitError`).
 */
export class BrokenThreadPool extends RuntimeError {
  override name = "BrokenThreadPool"
}

/** The `DOMException` an abort rejects with; its `cause` is the signal's reason. */
export function abortError(reason: unknown): DOMException {
  const message = reason instanceof Error ? reason.message : reason === undefined ? "This operation was aborted" : String(reason)
  const error = new DOMException(message, "AbortError")
  Object.defineProperty(error, "cause", { value: reason, configurable: true, writable: true, enumerable: false })
  return error
}

export const libraryErrors = {
  ThreadTargetError,
  ThreadExitError,
  ThreadTerminatedError,
  TimeoutError,
  CancelledError,
  BrokenBarrierError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  RuntimeError,
  BrokenThreadPool,
} as const
