// What `hold()` / `holdSync()` return: Python's `with lock:` as `using _ = await lock.hold()`.
import { ensureDisposeSymbols } from "../dispose-symbols.js"
import { TimeoutError } from "../errors.js"

ensureDisposeSymbols() // WebKit has no Symbol.dispose

/** A held primitive; disposing it releases. `abandoned` is true when the previous holder died holding it. */
export interface Held extends Disposable {
  /** True when the previous holder died holding it (its state may be half-updated). */
  readonly abandoned: boolean
  /** Releases now; disposing afterwards does nothing. */
  release(): void
}

export function held(abandoned: boolean, release: () => void): Held {
  let done = false
  const once = (): void => {
    if (done) return
    done = true
    release()
  }
  return { abandoned, release: once, [Symbol.dispose]: once }
}

export function holdTimedOut(what: string, timeout: number | undefined): TimeoutError {
  return new TimeoutError(`${what}.hold() could not acquire within ${String(timeout)} ms`)
}
