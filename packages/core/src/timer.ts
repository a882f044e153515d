import { RuntimeError } from "./errors.js"
import type { LaunchRequest } from "./target-ref.js"
import { LAUNCH, SETTLE, Thread, type ThreadOptions } from "./thread.js"

type TimerOptions<R> = Omit<ThreadOptions<R>, "target" | "args">

/** A thread that runs its target after `ms` milliseconds, unless cancelled first (Python's `threading.Timer`). */
export class Timer<R = unknown> extends Thread<R> {
  readonly #ms: number
  #pending: ReturnType<typeof setTimeout> | undefined
  #fired = false

  constructor(ms: number, target: (...args: never[]) => R | PromiseLike<R>, args: readonly unknown[] = [], options: TimerOptions<R> = {}) {
    if (typeof ms !== "number" || !(ms >= 0)) throw new RangeError(`Timer delay must be a number of milliseconds >= 0, got ${String(ms)}`)
    super({ ...options, target, args })
    this.#ms = ms
  }

  /** Whether the delay has passed and the thread has been started. */
  get fired(): boolean {
    return this.#fired
  }

  /** Waits the delay, then starts the worker. @internal */
  override [LAUNCH](request: LaunchRequest): void {
    this.#pending = setTimeout(() => {
      this.#pending = undefined
      this.#fired = true
      try {
        super[LAUNCH](request)
      } catch (error) {
        this[SETTLE]({ ok: false, error, report: true })
      }
    }, this.#ms)
  }

  /** Before it fires: prevents the run and `join()` resolves `undefined`. After: `Thread.cancel()`. */
  override cancel(reason?: unknown): void {
    if (this.#pending !== undefined) {
      clearTimeout(this.#pending)
      this.#pending = undefined
      this[SETTLE]({ ok: true, value: undefined })
      return
    }
    super.cancel(reason)
  }

  override async terminate(): Promise<void> {
    if (this.#pending !== undefined) {
      this.cancel()
      return
    }
    if (!this.#fired && !this.isAlive()) throw new RuntimeError(`cannot terminate timer ${this.name} before it is started`)
    await super.terminate()
  }
}
