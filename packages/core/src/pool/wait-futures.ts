import type { Future } from "./future.js"

/** `wait()` returns when any future finishes or is cancelled. */
export const FIRST_COMPLETED = "FIRST_COMPLETED"
/** `wait()` returns when any future fails, or when all are done. */
export const FIRST_EXCEPTION = "FIRST_EXCEPTION"
/** `wait()` returns when every future is done (the default). */
export const ALL_COMPLETED = "ALL_COMPLETED"
/** When `wait()` returns: one of the three constants. */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED

/** Options of `wait(futures, options)`. */
export interface FutureWaitOptions {
  /** Milliseconds; when it passes, resolves with what is done so far. */
  readonly timeout?: number
  /** Default "ALL_COMPLETED". */
  readonly returnWhen?: ReturnWhen
}

/** What `wait()` resolves with: the futures split by whether they are done. */
export interface WaitResult<F extends Future<unknown> = Future<unknown>> {
  /** Futures that finished or were cancelled. */
  readonly done: Set<F>
  /** Futures still pending. */
  readonly notDone: Set<F>
}

/** Waits for futures like Python's `concurrent.futures.wait`; never rejects. */
export function wait<F extends Future<unknown>>(futures: Iterable<F>, options: FutureWaitOptions = {}): Promise<WaitResult<F>> {
  const { timeout, returnWhen = ALL_COMPLETED } = options
  if (returnWhen !== FIRST_COMPLETED && returnWhen !== FIRST_EXCEPTION && returnWhen !== ALL_COMPLETED) {
    return Promise.reject(
      new TypeError(`returnWhen must be "FIRST_COMPLETED", "FIRST_EXCEPTION" or "ALL_COMPLETED", got ${String(returnWhen)}`),
    )
  }
  const all = new Set(futures)
  const done = new Set<F>()
  const notDone = new Set<F>()
  const failed = (future: F) => !future.cancelled() && future.done() && exceptionOf(future)
  for (const future of all) (future.done() ? done : notDone).add(future)
  const satisfied = () =>
    notDone.size === 0 || (returnWhen === FIRST_COMPLETED && done.size > 0) || (returnWhen === FIRST_EXCEPTION && [...done].some(failed))
  if (satisfied()) return Promise.resolve({ done, notDone })
  return new Promise((resolve) => {
    let finished = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const finish = () => {
      if (finished) return
      finished = true
      if (timer !== undefined) clearTimeout(timer)
      resolve({ done, notDone })
    }
    for (const future of notDone) {
      future.listen(() => {
        if (finished) return
        notDone.delete(future)
        done.add(future)
        if (satisfied()) finish()
      })
    }
    if (timeout !== undefined && timeout !== Infinity) timer = setTimeout(finish, Math.max(0, timeout))
  })
}

/** Whether a settled future failed, read synchronously (a Future keeps its outcome). */
function exceptionOf(future: Future<unknown>): boolean {
  return future.failed()
}
