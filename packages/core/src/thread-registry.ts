// The threads as this thread sees them: the one it runs as (a job's thread, a pool task's lazily
// built one, or the main thread), the main thread's stand-in, and the module functions of
// Python's threading that read them. Thread itself (thread.ts) sees the caller only through
// thread-context.ts, which this module provides.
import { isMainThread } from "./is-main-thread.js"
import type { ThreadInfo } from "./protocol.js"
import { getRuntime } from "./runtime.js"
import { knownIdent, provideThreadContext, setKnownIdent } from "./thread-context.js"
import { REBUILD, startedThreads, Thread } from "./thread.js"

let current: Thread | undefined
let main: Thread | undefined
/** Inside a worker, outside any job: the worker itself (Python's `_DummyThread`). */
let dummy: Thread | undefined

/** Inside a worker: builds the thread a job runs as, and makes it `currentThread()`. */
export function enterThread(
  Class: Function | undefined,
  fields: Record<string, unknown> | undefined,
  info: ThreadInfo,
  cancelFlag: Int32Array | undefined,
  jobId: number,
): Thread {
  current = Thread[REBUILD](Class, fields, info, cancelFlag, jobId)
  setKnownIdent(info.ident)
  return current
}

let makeCurrent: (() => Thread) | undefined

/**
 * Inside a pool worker: the thread object of the task at hand is built only if the task asks
 * for `currentThread()` (most never do, and a pool runs hundreds of thousands per second).
 * `make` calls `enterThread`; `undefined` leaves the task. `ident` is the thread's ident.
 */
export function enterLazyThread(make: (() => Thread) | undefined, ident?: number): void {
  current = undefined
  makeCurrent = make
  // The running thread's ident, known even while a pool task's thread object is not built yet.
  setKnownIdent(make === undefined ? undefined : ident)
}

/** The thread the caller runs in; on the main thread, `mainThread()`. */
export function currentThread(): Thread {
  return current ?? (makeCurrent !== undefined ? makeCurrent() : isMainThread() ? mainThread() : workerThread())
}

/** The main thread's ident: Node's main `threadId` is 0, and weft numbers web and Deno threads from 1. */
const MAIN_IDENT = 0

/** The thread the program started on, the same object for every caller in a thread; inside a worker, a handle on it. */
export function mainThread(): Thread {
  main ??= Thread[REBUILD](Thread, undefined, { name: "MainThread", ident: MAIN_IDENT, daemon: false }, undefined, 0, true)
  return main
}

/** Inside a worker, outside any job (e.g. a task module's top level): the worker itself. */
function workerThread(): Thread {
  if (dummy === undefined) {
    let ident = 0
    try {
      ident = getRuntime().threadId?.() ?? 0
    } catch {
      ident = 0
    }
    dummy = Thread[REBUILD](Thread, undefined, { name: "Dummy-1", ident, daemon: false }, undefined, 0)
  }
  return dummy
}

/** The current thread and every thread it started that is still alive. */
export function enumerate(): Thread[] {
  return [currentThread(), ...startedThreads()]
}

/** How many threads are alive: the current one plus those it started (Python's `active_count()`). */
export function activeCount(): number {
  return startedThreads().size + 1
}

/** The current thread's ident (Python's `threading.get_ident()`). */
export function getIdent(): number {
  // Locks ask on every acquire: answer without building a pool task's thread object.
  return knownIdent ?? currentThread().ident ?? 0
}

/** Inside a worker: waits until every non-daemon thread started here has ended. */
export async function nonDaemonThreadsEnded(): Promise<void> {
  for (;;) {
    const waiting = [...startedThreads()].filter((thread) => !thread.daemon)
    if (waiting.length === 0) return
    await Promise.allSettled(waiting.map((thread) => thread.join()))
  }
}

provideThreadContext({ current: currentThread, ident: getIdent })
