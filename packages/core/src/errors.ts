// The library's error classes. Each is pre-registered under a reserved `weft:` key (see
// registry.ts) so that `instanceof` still holds after an error crosses a thread boundary.

export class ThreadTargetError extends Error {
  override name = "ThreadTargetError"
}

export class ThreadExitError extends Error {
  override name = "ThreadExitError"
  /** The worker's exit code; `null` when the runtime does not report one (a crash in a browser). */
  exitCode: number | null
  constructor(message: string, exitCode: number | null, options?: { cause?: unknown }) {
    super(message, options)
    this.exitCode = exitCode
  }
}

export class ThreadTerminatedError extends Error {
  override name = "ThreadTerminatedError"
}

export class TimeoutError extends Error {
  override name = "TimeoutError"
}

export class CancelledError extends Error {
  override name = "CancelledError"
}

export class BrokenBarrierError extends Error {
  override name = "BrokenBarrierError"
}

export class QueueEmpty extends Error {
  override name = "QueueEmpty"
}

export class QueueFull extends Error {
  override name = "QueueFull"
}

export class QueueShutDown extends Error {
  override name = "QueueShutDown"
}

/** Python's RuntimeError: misuse of a thread or a primitive (an Error named `RuntimeError`). */
export class RuntimeError extends Error {
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
