import { CancelledError, TimeoutError } from "../errors.js"

// concurrent.futures.Future: the eventual result of a pool task. It is a thenable rather than a
// Promise so that creating one costs a single small object: a promise is only made when someone
// awaits it, and a failed future nobody looks at is never an unhandled rejection.

const PENDING = 0
const CANCELLED = 1
const FINISHED = 2

/** Options of `Future.result()` and `Future.exception()`. */
export interface ResultOptions {
  /** Milliseconds to wait; past it the returned promise rejects with `TimeoutError` (the task goes on). */
  readonly timeout?: number
}

/** What `Future.addDoneCallback()` calls once the future settles. */
export type DoneCallback<T> = (future: Future<T>) => void

/** Called when a future settles; used by `asCompleted`/`wait` without allocating promises. */
type Listener = (future: Future<unknown>) => void

/** The pending result of a pool task (Python's `concurrent.futures.Future`); also awaitable. */
export class Future<T = unknown> implements PromiseLike<T> {
  #state: 0 | 1 | 2 = PENDING
  #ok = false
  #value: unknown = undefined
  #listeners: Listener | Listener[] | undefined = undefined
  #promise: Promise<T> | undefined = undefined
  #resolve: ((value: unknown) => void) | undefined = undefined
  #reject: ((error: unknown) => void) | undefined = undefined

  /** Cancels the task if it has not started yet. True when the future is (now) cancelled. */
  cancel(): boolean {
    if (this.#state === CANCELLED) return true
    if (this.#state !== PENDING || !this.tryWithdraw()) return false
    this.#state = CANCELLED
    this.#ok = false
    this.#value = new CancelledError("the task was cancelled before it started")
    this.#notify()
    return true
  }

  /** Whether the future was cancelled. */
  cancelled(): boolean {
    return this.#state === CANCELLED
  }

  /** True once the task has started executing and until it settles. */
  running(): boolean {
    return this.#state === PENDING && this.hasStarted()
  }

  /** True once the future is cancelled or settled. */
  done(): boolean {
    return this.#state !== PENDING
  }

  /** The task's value; rejects with its error, `CancelledError` if cancelled, or `TimeoutError` past `timeout`. */
  result(options: ResultOptions = {}): Promise<T> {
    return this.#after(options.timeout, () => {
      if (this.#ok) return this.#value as T
      throw this.#value
    })
  }

  /** Resolves with the task's error, or `null` when it succeeded; rejects `CancelledError` if cancelled. */
  exception(options: ResultOptions = {}): Promise<unknown> {
    return this.#after(options.timeout, () => {
      if (this.#state === CANCELLED) throw this.#value
      return this.#ok ? null : this.#value
    })
  }

  /** Calls `fn(future)` once the future is done (at once if it already is). Errors thrown by `fn` are logged. */
  addDoneCallback(fn: DoneCallback<T>): void {
    if (typeof fn !== "function") throw new TypeError("addDoneCallback() takes a function (future) => void")
    this.listen(() => {
      try {
        fn(this)
      } catch (error) {
        console.error("exception calling callback for", this, error)
      }
    })
  }

  // biome-ignore lint/suspicious/noThenProperty: a Future is a thenable on purpose (await future)
  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#settledPromise().then(onFulfilled, onRejected)
  }

  /** Like `Promise.prototype.catch`, on the task's result. */
  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.#settledPromise().then(undefined, onRejected)
  }

  /** Like `Promise.prototype.finally`, on the task's result. */
  finally(onFinally?: (() => void) | null): Promise<T> {
    return this.#settledPromise().finally(onFinally)
  }

  /** "Future", for `Object.prototype.toString`. */
  get [Symbol.toStringTag](): string {
    return "Future"
  }

  /** Internal: runs `fn` once settled (immediately when already settled). */
  listen(fn: Listener): void {
    if (this.#state !== PENDING) return void fn(this as Future<unknown>)
    const listeners = this.#listeners
    if (listeners === undefined) this.#listeners = fn
    else if (typeof listeners === "function") this.#listeners = [listeners, fn]
    else listeners.push(fn)
  }

  /** Internal: true once settled with an error (not cancelled). */
  failed(): boolean {
    return this.#state === FINISHED && !this.#ok
  }

  /** Internal: settles with a value. Ignored once settled or cancelled. */
  settleValue(value: T): void {
    if (this.#state !== PENDING) return
    this.#state = FINISHED
    this.#ok = true
    this.#value = value
    this.#notify()
  }

  /** Internal: settles with an error. Ignored once settled or cancelled. */
  settleError(error: unknown): void {
    if (this.#state !== PENDING) return
    this.#state = FINISHED
    this.#value = error
    this.#notify()
  }

  /** Internal: whether the task at hand has started (overridden by pool tasks). */
  protected hasStarted(): boolean {
    return false
  }

  /** Internal: takes the task back if it has not started; true on success (overridden by pool tasks). */
  protected tryWithdraw(): boolean {
    return true
  }

  /** Internal: called once when the future settles or is cancelled (pool tasks report to their pool). */
  protected settled(): void {}

  #notify(): void {
    this.settled()
    if (this.#promise !== undefined) {
      if (this.#ok) this.#resolve!(this.#value)
      else this.#reject!(this.#value)
    }
    const listeners = this.#listeners
    if (listeners === undefined) return
    this.#listeners = undefined
    if (typeof listeners === "function") listeners(this as Future<unknown>)
    else for (const fn of listeners) fn(this as Future<unknown>)
  }

  #settledPromise(): Promise<T> {
    if (this.#promise === undefined) {
      if (this.#state !== PENDING) {
        this.#promise = this.#ok ? Promise.resolve(this.#value as T) : Promise.reject(this.#value)
      } else {
        this.#promise = new Promise<T>((resolve, reject) => {
          this.#resolve = resolve as (value: unknown) => void
          this.#reject = reject
        })
      }
      // No catch(noop) here: every caller attaches a reaction at once (then, catch, finally), so
      // the promise is never unhandled by itself, and a promise less per awaited future counts
      // in floods.
    }
    return this.#promise
  }

  #after<R>(timeout: number | undefined, read: () => R): Promise<R> {
    if (this.#state !== PENDING) return new Promise<R>((resolve) => resolve(read()))
    if (timeout !== undefined && (typeof timeout !== "number" || Number.isNaN(timeout))) {
      return Promise.reject(new TypeError(`timeout must be a number of milliseconds, got ${String(timeout)}`))
    }
    return new Promise<R>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined
      if (timeout !== undefined && timeout !== Infinity) {
        timer = setTimeout(() => reject(new TimeoutError(`the future did not finish within ${timeout} ms`)), Math.max(0, timeout))
      }
      this.listen(() => {
        if (timer !== undefined) clearTimeout(timer)
        try {
          resolve(read())
        } catch (error) {
          reject(error)
        }
      })
    })
  }
}
