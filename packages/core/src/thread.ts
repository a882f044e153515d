import { type CallerSite, callerStackOf, deserializeThrown, newCallerSite, serializeThrown } from "./error-transport.js"
import { CancelledError, RuntimeError, ThreadTerminatedError } from "./errors.js"
import { prepareCall, prepareSubclass, threadExitError, type LaunchRequest } from "./target-ref.js"
import type { DoneMessage, FromWorker, RunMessage, ThreadInfo } from "./protocol.js"
import { describe } from "./registry.js"
import { sharedLiveness, threadEnded } from "./liveness.js"
import { getRuntime, type WorkerHandle } from "./runtime.js"
import { acquireWorker, threadFinished } from "./spare-worker.js"
import { decodeShared } from "./shareable.js"
import { FROM_THREAD } from "./shared-record.js"
import { callingThread } from "./thread-context.js"
import { allocateIdent, sharedIdentCounter } from "./thread-idents.js"
import { callExcepthook, swapExcepthook, type Hook } from "./excepthook.js"
import type { JoinOptions, ThreadOptions } from "./thread-options.js"
export type { JoinOptions, RuntimeThreadOptions, ThreadOptions } from "./thread-options.js"
import { assignFields, writeBackState } from "./object-state.js"
import { ThreadStream } from "./thread-stream.js"
import { progressSinkOf } from "./stream/progress.js"
import type { GeneratorRun, ThreadValues } from "./stream/stream-types.js"
import { withJoinTimeout } from "./join-timeout.js"
import { receivePendingUntil } from "./pending-receiver.js"

/** What the excepthook receives for a thread that failed while nobody joined it. */
export interface ExcepthookArgs {
  /** The error the thread's target threw (rebuilt in this thread). */
  readonly error: unknown
  /** The thread that failed. */
  readonly thread: Thread
}
/** Called for each thread that fails while nobody is joining it (Python's `threading.excepthook`). */
export type Excepthook = (args: ExcepthookArgs) => void

/** What `join()` resolves with: the awaited return of `run()`, so a subclass's result follows its `run()` (a generator's: its return value). */
export type ThreadResult<T extends Pick<Thread, "run">> = Awaited<ReturnType<T["run"]>>

type Phase = "new" | "running" | "ended"
type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown; readonly report: boolean }

/** Passed to the constructor to build a thread's stand-in without running any user constructor. */
export const REBUILD: unique symbol = Symbol("weft.rebuild")
/** Lets Timer start the worker when its delay has passed. */
export const LAUNCH: unique symbol = Symbol("weft.launch")
/** Lets Timer settle a thread that never ran. */
export const SETTLE: unique symbol = Symbol("weft.settle")

let threadCounter = 0
/** The threads this thread started that are still alive. */
const alive = new Set<Thread>()

/** The threads this thread started that are still alive (for enumerate() and the worker's exit). */
export function startedThreads(): ReadonlySet<Thread> {
  return alive
}

/** A thread of execution in a worker of the current runtime, in the style of Python's `threading.Thread`. */
export class Thread<R = unknown> {
  #name: string
  #ident: number | null = null
  #daemon: boolean
  #options: ThreadOptions<R>
  #phase: Phase = "new"
  #handle: WorkerHandle | undefined
  #outcome: Outcome | undefined
  #settled!: Promise<R>
  #settle!: (outcome: Outcome) => void
  #joined = false
  /** Pending join() calls that hold a daemon thread's worker referenced. */
  #joiners = 0
  #terminating = false
  #controller = new AbortController()
  #cancelFlag: Int32Array | undefined
  #jobId = 1
  /** True for the copy that runs inside the worker (and the main-thread stand-in). */
  #remote = false
  /** The main thread's stand-in: alive as long as anyone can ask. */
  #standIn = false
  /** Made by start(); its frames are read only if the thread fails. */
  #startSite: CallerSite | undefined = undefined
  #stream: ThreadStream | undefined

  constructor(options?: ThreadOptions<R>)
  constructor(options?: ThreadOptions<R> | typeof REBUILD) {
    if (options === REBUILD) {
      this.#remote = true
      this.#name = ""
      this.#daemon = false
      this.#options = {}
      this.#initSettled()
      return
    }
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError(`new Thread(options) takes an options object ({ target, args, name, ... }), got ${describe(options)}`)
    }
    this.#options = { ...options }
    const target = this.#options.target
    const targetName = typeof target === "function" ? target.name : this.#options.method
    // Python: str(name), and a generated name when it is empty.
    const name = this.#options.name as unknown
    this.#name =
      name !== undefined && name !== null && name !== "" ? String(name) : `Thread-${++threadCounter}${targetName ? ` (${targetName})` : ""}`
    this.#daemon = this.#options.daemon ?? callingThread().daemon
    this.#stream = new ThreadStream(this.#options)
    this.#initSettled()
  }

  #initSettled(): void {
    this.#settled = new Promise<R>((resolve, reject) => {
      this.#settle = (outcome) => (outcome.ok ? resolve(outcome.value as R) : reject(outcome.error))
    })
    this.#settled.catch(() => {})
  }

  /** The thread's name, for messages and debuggers; not unique. */
  get name(): string {
    return this.#name
  }
  /** Renames the thread. */
  set name(value: string) {
    this.#name = String(value)
  }

  /** `null` before `start()`, then a process-unique integer, the same inside and outside the thread. */
  get ident(): number | null {
    return this.#ident
  }

  /** Whether the thread lets the process exit while it runs; settable only before `start()`. */
  get daemon(): boolean {
    return this.#daemon
  }
  /** Sets the daemon flag; only before `start()`, else `RuntimeError`. */
  set daemon(value: boolean) {
    if (this.#phase !== "new") throw new RuntimeError("cannot set daemon status of an active thread")
    this.#daemon = Boolean(value)
  }

  /** Aborts when the thread is cancelled. Inside the thread, this is the signal its code should watch. */
  get signal(): AbortSignal {
    this.#cancelledByFlag()
    return this.#controller.signal
  }

  /** Synchronous cancellation check, cheap enough to poll in a CPU loop. */
  get cancelled(): boolean {
    return this.#controller.signal.aborted || this.#cancelledByFlag()
  }

  /**
   * The shared cancel flag is set before the cancel message (with its reason) is handled, which a
   * synchronous loop never lets happen: abort the signal now, so `cancelled` and `signal` agree.
   * The reason is the caller's where the message can be read synchronously (Node), else a
   * CancelledError standing for it.
   */
  #cancelledByFlag(): boolean {
    const flag = this.#cancelFlag
    if (flag === undefined || Atomics.load(flag, 0) !== this.#jobId) return false
    const signal = this.#controller.signal
    if (!signal.aborted) receivePendingUntil(() => signal.aborted)
    if (!signal.aborted) this.#controller.abort(new CancelledError(`thread ${this.#name} was cancelled (its reason had not arrived yet)`))
    return true
  }

  /** Runs in the worker. Override it in a subclass; by default it calls the target. */
  run(): R | Promise<R> {
    const { target, method, args = [] } = this.#options
    if (typeof target === "function") return (target as (...a: unknown[]) => R)(...args)
    if (target !== undefined && method !== undefined) {
      return (target as Record<string, (...a: unknown[]) => R>)[method](...args)
    }
    return undefined as R
  }

  /** Starts the thread in a new worker. Bad targets or arguments throw here, and the thread stays unstarted. */
  start(): void {
    if (this.#remote) throw new RuntimeError("a running thread cannot start itself again")
    if (this.#phase !== "new") throw new RuntimeError(`threads can only be started once (${this.#name})`)
    const request = this.#prepare()
    this.#startSite = newCallerSite(`thread ${this.#name} started at`)
    this.#phase = "running"
    this[LAUNCH](request)
  }

  /** Resolves with the target's result (a generator's return value), or rejects with its error rebuilt. */
  join<F>(this: GeneratorRun<unknown, F>, options?: JoinOptions): Promise<F>
  join(options?: JoinOptions): Promise<ThreadResult<this>>
  join(options: JoinOptions = {}): Promise<unknown> {
    if (this.#remote) throw new RuntimeError("cannot join the current thread")
    if (this.#phase === "new") throw new RuntimeError(`cannot join thread ${this.#name} before it is started`)
    this.#joined = true
    this.#stream?.joined()
    const result = this.#settled.then((value) => value)
    const release = this.#holdWhileJoined()
    if (release !== undefined) result.then(release, release)
    const { timeout } = options
    if (timeout === undefined || this.#phase === "ended") return result
    return withJoinTimeout(result, timeout, release, this.#name)
  }

  /** The values a generator target (or `run()`) yields, as it yields them; ends with its return value, or rejects with its error. */
  values<Y, F>(this: GeneratorRun<Y, F>): ThreadValues<Y, F>
  values(): ThreadValues<never, ThreadResult<this>>
  values(): ThreadValues<unknown, unknown> {
    if (this.#remote || this.#stream === undefined) throw new RuntimeError("a thread cannot read its own values")
    if (this.#phase === "new") throw new RuntimeError(`cannot read the values of thread ${this.#name} before it is started`)
    this.#joined = true // its error reaches the reader: not the excepthook's
    return this.#stream.values()
  }

  /** `for await (const value of thread)`: the same as `values()`. */
  [Symbol.asyncIterator]<Y, F>(this: GeneratorRun<Y, F>): ThreadValues<Y, F>
  [Symbol.asyncIterator](): ThreadValues<never, ThreadResult<this>>
  [Symbol.asyncIterator](): ThreadValues<unknown, unknown> {
    return this.values()
  }

  /** Inside the thread: passes `value` to the caller's `onProgress` (batched, in order); does nothing when nobody listens. */
  progress(value: unknown): void {
    progressSinkOf(this)?.push(value)
  }

  /**
   * Python's join() blocks: while a join is pending, a daemon thread's worker keeps the process
   * alive, or `await t.join()` would see the process end under it. Returns the release, once-only.
   */
  #holdWhileJoined(): (() => void) | undefined {
    const handle = this.#handle
    if (!this.#daemon || handle === undefined || this.#phase !== "running") return undefined
    if (this.#joiners++ === 0) handle.ref()
    let held = true
    return () => {
      if (!held) return
      held = false
      if (--this.#joiners === 0 && this.#handle === handle) handle.unref()
    }
  }

  /** True from the moment `start()` returns until the thread has ended. */
  isAlive(): boolean {
    return this.#phase === "running" || (this.#remote && (this.#standIn || this === callingThread()))
  }

  /** Aborts the signal the thread sees and sets `cancelled`. Cooperative: the code decides when to stop. */
  cancel(reason?: unknown): void {
    const signal = this.#controller.signal
    if (signal.aborted) return
    this.#controller.abort(reason)
    if (this.#remote || this.#phase !== "running") return
    // The message first: a loop that sees the flag can then read the reason synchronously (Node).
    this.#handle?.post({ t: "cancel", id: this.#jobId, reason: serializeThrown(signal.reason) })
    if (this.#cancelFlag !== undefined) {
      Atomics.store(this.#cancelFlag, 0, this.#jobId)
      Atomics.notify(this.#cancelFlag, 0)
    }
  }

  /** Stops the thread now. `join` then rejects with `ThreadTerminatedError`. Resolves once the thread is dead. */
  async terminate(): Promise<void> {
    if (this.#remote) throw new RuntimeError("a thread cannot terminate itself; return from run() or throw")
    if (this.#phase === "new") throw new RuntimeError(`cannot terminate thread ${this.#name} before it is started`)
    if (this.#phase === "ended" && this.#handle === undefined) return
    this.#terminating = true
    const handle = this.#handle
    if (handle === undefined) {
      this[SETTLE]({ ok: false, error: new ThreadTerminatedError(`thread ${this.#name} was terminated`), report: false })
      return
    }
    await handle.terminate()
    await handle.exited
  }

  /** Builds what the worker needs; throws (leaving the thread unstarted) on a bad target or argument. */
  #prepare(): LaunchRequest {
    const label = `thread ${this.#name}`
    if (this.run !== Thread.prototype.run) return prepareSubclass(this, label)
    return prepareCall(this.#options.target, this.#options.method, this.#options.args ?? [], label)
  }

  /** Starts the worker (Timer delays it). @internal */
  [LAUNCH](request: LaunchRequest): void {
    const runtime = getRuntime()
    let handle: WorkerHandle
    try {
      const options = (this.#options as Record<string, unknown>)[runtime.name] as Record<string, unknown> | undefined
      handle = acquireWorker(runtime, { name: this.#name, daemon: this.#daemon, options })
    } catch (error) {
      this.#phase = "new"
      throw error
    }
    this.#handle = handle
    this.#stream?.attach((message) => this.#handle?.post(message), this.#jobId)
    // The shared counter must exist before the first ident is drawn, or a nested thread's ident repeats its parent's.
    const sharedCounter = runtime.threadId === undefined ? sharedIdentCounter(runtime.capabilities.sharedMemory) : undefined
    this.#ident = handle.threadId ?? allocateIdent()
    if (runtime.capabilities.sharedMemory) this.#cancelFlag = new Int32Array(new SharedArrayBuffer(4))
    alive.add(this)
    const stopListening = handle.listen((message) => this.#onMessage(message as FromWorker))
    handle.exited.then((exit) => {
      stopListening()
      const finished = this.#phase === "ended"
      threadEnded(this.#ident, !finished || this.#outcome?.ok !== true)
      if (!finished) {
        const error = this.#terminating
          ? new ThreadTerminatedError(`thread ${this.#name} was terminated`)
          : threadExitError(`thread ${this.#name}`, exit)
        this[SETTLE]({ ok: false, error, report: !this.#terminating })
      }
      this.#handle = undefined
    })
    const preCancelled = this.#controller.signal.aborted
    if (preCancelled && this.#cancelFlag !== undefined) Atomics.store(this.#cancelFlag, 0, this.#jobId)
    const message: RunMessage = {
      t: "run",
      id: this.#jobId,
      ...request,
      thread: { name: this.#name, ident: this.#ident, daemon: this.#daemon },
      cancelFlag: this.#cancelFlag,
      identCounter: sharedCounter,
      liveness: sharedLiveness(runtime.capabilities.sharedMemory),
      cancelled: preCancelled ? serializeThrown(this.#controller.signal.reason) : undefined,
      credits: this.#stream!.highWaterMark,
      progress: this.#stream!.listensToProgress,
    }
    handle.post(message)
    const { signal } = this.#options
    if (signal !== undefined) {
      if (signal.aborted) this.cancel(signal.reason)
      else signal.addEventListener("abort", () => this.cancel(signal.reason), { once: true })
    }
  }

  /** The worker's message. Anything that is not one of ours (user code can post on the port too) is ignored. */
  #onMessage(message: FromWorker): void {
    if (typeof message !== "object" || message === null) return
    if (message.t === "idle") {
      void this.#handle?.terminate()
      return
    }
    if (this.#stream?.receive(message)) return
    if (message.t === "done" && message.id === this.#jobId && this.#phase === "running") this.#onDone(message)
  }

  /** Settles with what the worker sent; what cannot be rebuilt becomes this thread's error, never the listener's. */
  #onDone(message: DoneMessage): void {
    let outcome: Outcome
    try {
      if (message.state !== undefined) {
        writeBackState(this.run !== Thread.prototype.run ? this : (this.#options.target as object), message.state)
      }
      outcome = message.ok
        ? { ok: true, value: message.shared ? decodeShared(message.value, FROM_THREAD) : message.value }
        : { ok: false, error: deserializeThrown(message.error, callerStackOf(this.#startSite)), report: true }
    } catch (error) {
      outcome = { ok: false, error: deserializeThrown(serializeThrown(error), callerStackOf(this.#startSite)), report: true }
    }
    this[SETTLE](outcome)
  }

  /** Settles `join()` once. @internal */
  [SETTLE](outcome: Outcome): void {
    if (this.#phase === "ended" && this.#outcome !== undefined) return
    this.#phase = "ended"
    this.#outcome = outcome
    this.#stream?.ended(outcome)
    alive.delete(this)
    if (this.#handle !== undefined) threadFinished(getRuntime())
    this.#settle(outcome)
    if (!outcome.ok && outcome.report && !this.#joined) callExcepthook({ error: outcome.error, thread: this })
  }

  /** Builds the running copy of a thread, or the main thread's stand-in; no user constructor runs. */
  static [REBUILD](
    Class: Function | undefined,
    fields: Record<string, unknown> | undefined,
    info: ThreadInfo,
    cancelFlag: Int32Array | undefined,
    jobId: number,
    standIn = false,
  ): Thread {
    const copy = Reflect.construct(Thread, [REBUILD], Class ?? Thread) as Thread
    if (fields !== undefined) assignFields(copy, fields)
    copy.#name = info.name
    copy.#ident = info.ident
    copy.#daemon = info.daemon
    copy.#cancelFlag = cancelFlag
    copy.#jobId = jobId
    copy.#standIn = standIn
    return copy
  }
}

export type { Outcome as ThreadOutcome, LaunchRequest }

/** Sets the hook called for each thread that fails while nobody is joining it; returns the previous hook. */
export function setExcepthook(hook: Excepthook): Excepthook {
  if (typeof hook !== "function") throw new TypeError("setExcepthook() takes a function ({ error, thread }) => void")
  return swapExcepthook(hook as unknown as Hook) as unknown as Excepthook
}
