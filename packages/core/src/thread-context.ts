// What the primitives need to know about the thread that calls them: its ident (a lock's owner)
// and its own cancellation (a blocking wait wakes for it). thread.ts provides both when it loads,
// so sync/ depends on this small view instead of importing Thread (and Thread, through the
// value walk, imports every primitive).

/** The calling thread, as the primitives see it. */
export interface CallingThread {
  readonly name: string
  readonly daemon: boolean
  readonly signal: AbortSignal
  readonly cancelled: boolean
}

interface ThreadContext {
  current(): CallingThread
  ident(): number
}

let context: ThreadContext | undefined

/** Called once by thread.ts. */
export function provideThreadContext(provided: ThreadContext): void {
  context = provided
}

/** The thread the caller runs in (`currentThread()`). */
export function callingThread(): CallingThread {
  if (context === undefined) throw new Error("weft: the thread context is not loaded (import weft's entry, not a file of core)")
  return context.current()
}

/**
 * The ident of the thread this code runs as, while thread-registry.ts knows it without building
 * anything (a job's or a pool task's thread), else undefined. A live binding, read directly on
 * every lock acquire: a new thread runs its first thousands of acquires before V8 optimizes
 * (and inlines) them, and each call on that path costs then.
 */
export let knownIdent: number | undefined

/** Called by thread-registry.ts each time the thread this code runs as changes. */
export function setKnownIdent(ident: number | undefined): void {
  knownIdent = ident
}

/** The calling thread's ident, without building a pool task's thread object (`getIdent()`). */
export function callingIdent(): number {
  return knownIdent ?? context?.ident() ?? 0
}
