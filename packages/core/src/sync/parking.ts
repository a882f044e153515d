// The two faces of every wait in the primitives. Each primitive keeps its state in shared
// words and parks on one of them; these helpers do the parking, blocking (`Atomics.wait`) or
// async (`Atomics.waitAsync`, or polling where it is missing), with deadlines and abort.
// They return "woke" or "timed-out"; a wake may be spurious, so callers always re-check state.
import { abortError, CancelledError, RuntimeError } from "../errors.js"
import { getRuntime, hasRuntime } from "../runtime.js"
import { callingThread } from "../thread-context.js"

/** Options every waiting call takes. */
export interface WaitOptions {
  /** Milliseconds to wait at most; on timeout the call returns/resolves `false` (or throws where documented). */
  readonly timeout?: number
  /** Aborts the wait with an `AbortError` whose `cause` is `signal.reason`. */
  readonly signal?: AbortSignal
}

export type Woken = "woke" | "timed-out"

/** How long a blocking wait on the thread's own signal sleeps before it looks at the cancel flag again. */
const CANCEL_SLICE_MS = 20

/** Throws the explanation when this runtime has no shared memory (a page that is not cross-origin isolated). */
export function requireSharedMemory(what: string): void {
  if (typeof SharedArrayBuffer === "function" && typeof Atomics === "object") return
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true) {
    // The headers are there already (WebKitGTK, for one, has no SharedArrayBuffer at all).
    throw new RuntimeError(
      `${what} needs SharedArrayBuffer, which this browser does not have, even on a cross-origin isolated page like this one: ` +
        "the page's headers are not the problem. Check `getRuntime().capabilities.sharedMemory` before using the primitives; Thread and ThreadPool work without it.",
    )
  }
  throw new RuntimeError(
    `${what} needs SharedArrayBuffer, which this page does not have. Browsers provide it only on cross-origin isolated pages: ` +
      "serve the page with the headers `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp` " +
      "(or `credentialless`), then check `crossOriginIsolated === true`. Thread and ThreadPool work without it; the primitives do not.",
  )
}

/** A fresh zeroed shared Int32Array of `words` words. */
export function sharedWords(words: number, what: string): Int32Array {
  requireSharedMemory(what)
  return new Int32Array(new SharedArrayBuffer(words * 4))
}

/** Whether `Atomics.wait` may run on this thread, once `canBlock()` has found out; read directly by Lock's hot path. */
export let blockingAllowed: boolean | undefined
let beforeBlocking: (() => void) | undefined

/**
 * Runs `hook` each time this thread is about to park in a blocking wait. A pool worker sends the
 * results it is still batching: the task about to block may be waiting for the pool to see them.
 */
export function onBeforeBlocking(hook: (() => void) | undefined): void {
  beforeBlocking = hook
}

/** Whether `Atomics.wait` may run on this thread: the runtime says so, or a zero-length probe does. */
export function canBlock(): boolean {
  if (blockingAllowed === undefined) {
    if (hasRuntime() && !getRuntime().capabilities.blockingWait && getRuntime().parent() === undefined) blockingAllowed = false
    else {
      try {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0)
        blockingAllowed = true
      } catch {
        blockingAllowed = false
      }
    }
  }
  return blockingAllowed
}

/** Throws at once where blocking is forbidden (a browser page's main thread), naming the async form. */
export function assertCanBlock(call: string, asyncForm: string): void {
  if (blockingAllowed === true || canBlock()) return
  throw new RuntimeError(`${call} blocks, and this thread may not block (a browser page's main thread): use ${asyncForm} instead`)
}

/** The absolute deadline (in `performance.now()` ms) for a timeout, `Infinity` for none. */
export function deadlineOf(timeout: number | undefined): number {
  if (timeout === undefined || timeout === Infinity) return Infinity
  if (typeof timeout !== "number" || Number.isNaN(timeout)) {
    throw new TypeError(`timeout must be a number of milliseconds (or undefined to wait forever), got ${String(timeout)}`)
  }
  return performance.now() + Math.max(0, timeout)
}

export function remaining(deadline: number): number {
  return deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now())
}

/** Throws the AbortError when the signal has already aborted. */
export function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal.reason)
}

/** Inside a blocking wait the event loop is stopped, so the thread's own cancellation is read from shared memory. */
function cancelledWhileBlocked(signal: AbortSignal | undefined): boolean {
  if (signal === undefined) return false
  const me = callingThread()
  return signal === me.signal && me.cancelled
}

function cancelReason(signal: AbortSignal): unknown {
  return signal.aborted ? signal.reason : new CancelledError(`thread ${callingThread().name} was cancelled`)
}

/**
 * Blocks while `view[index] === expected`, at most until `deadline`, in slices of `slice` ms
 * (callers that must re-check something else, such as a dead lock owner, pass one).
 */
export function blockWhile(
  view: Int32Array,
  index: number,
  expected: number,
  deadline: number,
  signal: AbortSignal | undefined,
  slice = Infinity,
): Woken {
  checkSignal(signal)
  const own = signal !== undefined && signal === callingThread().signal
  if (own && cancelledWhileBlocked(signal)) throw abortError(cancelReason(signal))
  const step = own ? Math.min(slice, CANCEL_SLICE_MS) : slice
  const left = remaining(deadline)
  if (left === 0) return "timed-out"
  beforeBlocking?.()
  const result = Atomics.wait(view, index, expected, Math.min(left, step))
  if (own && cancelledWhileBlocked(signal)) throw abortError(cancelReason(signal))
  if (result === "timed-out" && remaining(deadline) === 0) return "timed-out"
  return "woke"
}

type WaitAsync = NonNullable<Atomics["waitAsync"]>

/** Resolves once `view[index]` may have changed from `expected`, the deadline passes, or the signal aborts (rejects). */
export function waitWhile(
  view: Int32Array,
  index: number,
  expected: number,
  deadline: number,
  signal: AbortSignal | undefined,
  slice = Infinity,
): Promise<Woken> {
  if (signal?.aborted) return Promise.reject(abortError(signal.reason))
  const left = remaining(deadline)
  if (left === 0) return Promise.resolve("timed-out")
  const step = Math.min(left, slice)
  const waitAsync = (Atomics as Atomics).waitAsync as WaitAsync | undefined
  if (typeof waitAsync !== "function") return pollWhile(view, index, expected, deadline, signal, step)
  const attempt = waitAsync(view, index, expected, step)
  if (!attempt.async) return Promise.resolve(attempt.value === "timed-out" && remaining(deadline) === 0 ? "timed-out" : "woke")
  // In Node a pending waitAsync does not keep the event loop alive: hold it open while we wait.
  const release = hasRuntime() ? getRuntime().keepAlive?.() : undefined
  return new Promise<Woken>((resolve, reject) => {
    let onAbort: (() => void) | undefined
    const settle = (): void => {
      release?.()
      if (onAbort !== undefined) signal!.removeEventListener("abort", onAbort)
    }
    if (signal !== undefined) {
      onAbort = () => {
        settle()
        reject(abortError(signal.reason))
        // A pending waitAsync cannot be withdrawn: wake the word so it does not linger. Every waiter re-checks.
        Atomics.notify(view, index)
      }
      signal.addEventListener("abort", onAbort, { once: true })
    }
    attempt.value.then((value) => {
      if (signal?.aborted) return
      settle()
      resolve(value === "timed-out" && remaining(deadline) === 0 ? "timed-out" : "woke")
    })
  })
}

/** The fallback where `Atomics.waitAsync` is missing: look again on a short, growing timer. */
function pollWhile(
  view: Int32Array,
  index: number,
  expected: number,
  deadline: number,
  signal: AbortSignal | undefined,
  step: number,
): Promise<Woken> {
  const until = Math.min(deadline, performance.now() + step)
  return new Promise<Woken>((resolve, reject) => {
    let delay = 0
    const look = (): void => {
      if (signal?.aborted) return reject(abortError(signal.reason))
      if (Atomics.load(view, index) !== expected) return resolve("woke")
      if (performance.now() >= until) return resolve(remaining(deadline) === 0 ? "timed-out" : "woke")
      delay = Math.min(delay * 2 || 1, 16)
      setTimeout(look, delay)
    }
    look()
  })
}
