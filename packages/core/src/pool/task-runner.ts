import { deserializeThrown, serializeThrown } from "../error-transport.js"
import { ThreadTargetError } from "../errors.js"
import { compileInline, explainMissingIdentifier } from "../inline-target.js"
import { adoptLiveness } from "../liveness.js"
import type { TargetRef, ThreadInfo } from "../protocol.js"
import { decodeShared, encodeShared, FROM_CALLER, sharedPending, sharedReady } from "../shareable.js"
import { assignFields, collectState, fieldNotClonedBack } from "../thread-state.js"
import { resolveFunction, resolveMethodClass } from "../target-resolve.js"
import { onBeforeBlocking } from "../sync/wait.js"
import { adoptIdentCounter, enterLazyThread, enterThread, type Thread } from "../thread.js"
import { getRuntime, type Endpoint } from "../runtime.js"
import {
  DONE,
  FAILED,
  HAS_STATE,
  jobIdOf,
  QUEUED,
  RING_MASK,
  SHARED,
  SKIPPED,
  STARTED,
  WORDS_PER_SLOT,
  type PoolInitMessage,
  type PoolTasksMessage,
  type PoolToWorker,
  type TaskExtra,
} from "./pool-protocol.js"

// The worker side of a pool. Tasks run one at a time, in the order they were sent; a synchronous
// task costs a claim in shared memory, the call and three array slots for its result. Results
// go back in batches: when the local queue is empty, before awaiting an async task, or every
// few milliseconds while a long batch runs, so the pool can refill this worker while it computes.
// Fewer result messages matter: each one wakes the pool's thread, which on a machine with as many
// cores as workers takes CPU from a worker (every 1 ms: 0.946 of ideal on 1 ms tasks; every 4: 0.966).

type Resolved =
  | { readonly kind: "function"; readonly fn: (...args: unknown[]) => unknown; readonly inline: string | undefined }
  | { readonly kind: "method"; readonly Class: Function; readonly method: string }

const FLUSH_EVERY_MS = 4
const POLL_MS = 0.1

let parent: Endpoint
let info: ThreadInfo = { name: "pool worker", ident: 0, daemon: false }
let control: Int32Array | undefined
let ready = false
const refs: TargetRef[] = []
const targets: (Resolved | undefined)[] = []
/** Flat: target index, args, extra per task. */
let queue: unknown[] = []
let head = 0
/** The seq of the next task to run. */
let nextSeq = 0
let out: unknown[] = []
let pumping = false
let lastFlush = 0
let currentSeq = -1
let currentTask: Thread | undefined
/** Cancel reasons that arrived before their task's thread object existed. */
const cancelReasons = new Map<number, unknown>()

export function handlePoolMessage(endpoint: Endpoint, message: PoolToWorker): void {
  parent = endpoint
  switch (message?.t) {
    case "pool-init":
      void init(message)
      return
    case "pool-tasks":
      receive(message)
      return
    case "pool-cancel": {
      const reason = deserializeThrown(message.reason)
      if (message.seq < nextSeq && message.seq !== currentSeq) return // already finished
      if (message.seq === currentSeq && currentTask !== undefined) currentTask.cancel(reason)
      else cancelReasons.set(message.seq, reason)
    }
  }
}

async function init(message: PoolInitMessage): Promise<void> {
  info = message.thread
  control = message.control
  onBeforeBlocking(flush)
  // An exit call or an uncaught error in a task ends the worker: the results it holds go first.
  getRuntime().onExit?.(flush)
  adoptIdentCounter(message.identCounter)
  adoptLiveness(message.liveness)
  let error: unknown
  let failed = false
  if (message.initializer !== undefined) {
    const { target, shared } = message.initializer
    const args = (shared ? decodeShared(message.initializer.args, FROM_CALLER) : message.initializer.args) as unknown[]
    enterLazyThread(() => enterThread(undefined, undefined, info, undefined, 0), info.ident)
    try {
      const resolved = await resolve(target)
      if (resolved.kind !== "function") throw new ThreadTargetError("the pool's initializer must be a function")
      await invoke(resolved, args)
    } catch (e) {
      failed = true
      error = e
    }
    enterLazyThread(undefined)
  }
  parent.post(failed ? { t: "pool-ready", error: serializeThrown(error) } : { t: "pool-ready" })
  if (failed) return
  ready = true
  if (!pumping && head < queue.length) void pump()
}

function receive(message: PoolTasksMessage): void {
  if (message.refs !== undefined) {
    const base = message.refBase ?? 0
    for (let i = 0; i < message.refs.length; i++) refs[base + i] = message.refs[i]!
  }
  const tasks = message.tasks
  if (head === queue.length) {
    queue = tasks as unknown[]
    head = 0
  } else {
    for (let i = 0; i < tasks.length; i++) queue.push(tasks[i])
  }
  if (ready && !pumping) void pump()
}

function makeTaskThread(): Thread {
  const flag = control === undefined ? undefined : new Int32Array(control.buffer, ((currentSeq & RING_MASK) * WORDS_PER_SLOT + 1) * 4, 1)
  const thread = enterThread(undefined, undefined, info, flag, jobIdOf(currentSeq))
  currentTask = thread
  if (cancelReasons.has(currentSeq)) thread.cancel(cancelReasons.get(currentSeq))
  return thread
}

async function pump(): Promise<void> {
  pumping = true
  try {
    do {
      while (head < queue.length) {
        const index = queue[head] as number
        const args = queue[head + 1] as unknown[]
        const extra = queue[head + 2] as TaskExtra | undefined
        head += 3
        const seq = nextSeq++
        if (!claim(seq)) {
          out.push(SKIPPED, undefined, 0)
          cancelReasons.delete(seq)
          continue
        }
        // A task that may be stopped could end with this worker terminated: what ran before it is sent first.
        if (extra?.stoppable) flush()
        if (extra?.announce) parent.post({ t: "pool-started", seq })
        const started = performance.now()
        currentSeq = seq
        currentTask = undefined
        enterLazyThread(makeTaskThread, info.ident)
        let status = 0
        let value: unknown
        let self: Record<string, unknown> | undefined
        let target = targets[index]
        try {
          if (target === undefined) {
            flush()
            target = targets[index] = await resolve(refs[index]!)
          }
          let result: unknown
          if (extra === undefined) {
            result = invoke(target, args)
          } else {
            const realArgs = (extra.shared ? decodeShared(args, FROM_CALLER) : args) as unknown[]
            const fields = (extra.shared ? decodeShared(extra.state, FROM_CALLER) : extra.state) as Record<string, unknown> | undefined
            // As for a Thread's job: a Queue's codec or a Barrier's action may still be loading.
            if (extra.shared && sharedPending()) {
              flush()
              await sharedReady()
            }
            if (target.kind === "method") {
              self = rebuild(target, fields)
              result = (self[target.method] as (...a: unknown[]) => unknown).apply(self, realArgs)
            } else if (extra.chunk) result = invokeChunk(target, realArgs)
            else result = invoke(target, realArgs)
          }
          if (isThenable(result)) {
            flush()
            result = await result
          }
          value = result
          if (typeof value === "object" && value !== null) {
            const encoded = encodeShared(value)
            if (encoded.shared) {
              value = encoded.value
              status = SHARED
            }
          }
        } catch (error) {
          value = serializeThrown(target?.kind === "function" && target.inline !== undefined ? explainInline(error, target.inline) : error)
          status = FAILED
        }
        enterLazyThread(undefined)
        currentSeq = -1
        currentTask = undefined
        if (cancelReasons.size > 0) cancelReasons.delete(seq)
        if (self !== undefined) {
          const { state, failed } = collectState(self)
          if (failed.length > 0 && status !== FAILED) {
            status = FAILED
            value = serializeThrown(fieldNotClonedBack(failed[0]!, "the task's object"))
          }
          status |= HAS_STATE
          value = { value, state }
        }
        const ended = performance.now()
        out.push(status, value, ended - started)
        if (control === undefined) {
          // Without shared memory the pool tells the running task from finished ones by what it has received.
          flush()
        } else {
          // Finished, result not sent yet: if the worker dies now, this task did not die with it.
          Atomics.store(control, (seq & RING_MASK) * WORDS_PER_SLOT, DONE)
          if (ended - lastFlush > FLUSH_EVERY_MS) flush()
        }
      }
      flush()
    } while (pollForTasks())
  } finally {
    queue = []
    head = 0
    pumping = false
    flush()
  }
}

/**
 * After sending its results, a worker whose parent port can be read synchronously (Node) polls
 * it for up to POLL_MS before it goes back to its event loop: the pool usually answers a result
 * with the next task within tens of µs, and taking it here saves the worker's wake-up (a no-op
 * round trip: median 39 -> 28 µs). The cost is at most POLL_MS of CPU each time a worker idles.
 * Only pool messages reach a pool worker, so each goes straight to the pool's handler.
 */
function pollForTasks(): boolean {
  const receiveNow = parent.receiveNow
  if (receiveNow === undefined) return false
  const until = performance.now() + POLL_MS
  do {
    const received = receiveNow.call(parent)
    if (received !== undefined) {
      handlePoolMessage(parent, received.message as PoolToWorker)
      if (head < queue.length) return true
    }
  } while (performance.now() < until)
  return false
}

function explainInline(error: unknown, name: string): unknown {
  try {
    return explainMissingIdentifier(error, name)
  } catch {
    return error // a thrown value that cannot even be inspected (a revoked Proxy): serializeThrown reports it
  }
}

function claim(seq: number): boolean {
  if (control !== undefined) return Atomics.compareExchange(control, (seq & RING_MASK) * WORDS_PER_SLOT, QUEUED, STARTED) === QUEUED
  return true
}

function flush(): void {
  if (out.length === 0) return
  const results = out
  out = []
  lastFlush = performance.now()
  try {
    parent.post({ t: "pool-results", results })
  } catch {
    // One value could not be cloned: replace each such value by an error saying so, and resend.
    for (let i = 0; i < results.length; i += 3) {
      try {
        structuredClone(results[i + 1])
      } catch (error) {
        results[i] = FAILED
        results[i + 1] = serializeThrown(
          new TypeError(`the result of a task in ${info.name} cannot be sent back to the pool (${error instanceof Error ? error.message : String(error)}): return structured-cloneable data`, { cause: error }),
        )
      }
    }
    parent.post({ t: "pool-results", results })
  }
}

async function resolve(ref: TargetRef): Promise<Resolved> {
  switch (ref.kind) {
    case "registered":
      return { kind: "function", fn: await resolveFunction(ref.key, ref.url), inline: undefined }
    case "inline":
      return { kind: "function", fn: compileInline(ref.source, ref.name), inline: ref.name }
    case "method":
      return { kind: "method", Class: await resolveMethodClass(ref.key, ref.url, ref.method), method: ref.method }
    default:
      throw new ThreadTargetError(`a pool task needs a function or an object method as its target, got "${ref.kind}"`)
  }
}

function invoke(target: Resolved, args: unknown[]): unknown {
  if (target.kind === "function") return target.fn(...args)
  throw new ThreadTargetError(`${target.Class.name}.${target.method} needs its object: pass it with pool.run(object, { method })`)
}

function rebuild(target: Resolved & { kind: "method" }, fields: Record<string, unknown> | undefined): Record<string, unknown> {
  const self = Object.create(target.Class.prototype as object) as Record<string, unknown>
  if (fields !== undefined) assignFields(self, fields)
  return self
}

async function invokeChunk(target: Resolved, items: unknown[]): Promise<unknown[]> {
  const results = new Array<unknown>(items.length)
  for (let i = 0; i < items.length; i++) {
    let result = invoke(target, [items[i]])
    if (isThenable(result)) result = await result
    results[i] = result
  }
  return results
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function"
}
