import { deserializeThrown, serializeThrown } from "../error-transport.js"
import { ThreadTargetError } from "../errors.js"
import { isThenable } from "../is-thenable.js"
import { adoptLiveness } from "../liveness.js"
import type { TargetRef, ThreadInfo } from "../protocol.js"
import { decodeShared, encodeShared } from "../shareable.js"
import { FROM_CALLER, sharedPending, sharedReady } from "../shared-record.js"
import { collectObject, explainFailure, rebuildObject, resolveTarget, type ResolvedTarget } from "./target-call.js"
import { onBeforeBlocking } from "../sync/parking.js"
import type { Thread } from "../thread.js"
import { adoptIdentCounter } from "../thread-idents.js"
import { enterLazyThread, enterThread } from "../thread-registry.js"
import { getRuntime, type Endpoint } from "../runtime.js"
import { jobIdOf, SlotControl } from "../pool/slot-control.js"
import { PortPoll } from "./port-poll.js"
import { attachProgress, ProgressBatch } from "../stream/progress.js"
import { isGeneratorObject, StreamDriver } from "../stream/stream-driver.js"
import {
  FAILED,
  HAS_STATE,
  RESULT_STRIDE,
  RESULTS_HEAD,
  RESULTS_TAG,
  SHARED,
  SKIPPED,
  type ChunkFailure,
  type PoolInitMessage,
  type PoolTaskBatch,
  type PoolTasksMessage,
  type PoolToWorker,
  type TaskExtra,
} from "../pool/pool-protocol.js"

// The worker side of a pool. Tasks run one at a time, in the order they were sent; a synchronous
// task costs a claim in shared memory, the call and three array slots for its result. Results
// go back in batches: when the local queue is empty, before awaiting an async task, or every
// few milliseconds while a long batch runs, so the pool can refill this worker while it computes.
// Fewer result messages matter: each one wakes the pool's thread, which on a machine with as many
// cores as workers takes CPU from a worker (every 1 ms: 0.946 of ideal on 1 ms tasks; every 4: 0.966).

const FLUSH_EVERY_MS = 4

let parent: Endpoint
let info: ThreadInfo = { name: "pool worker", ident: 0, daemon: false }
let slots: SlotControl | undefined
let ready = false
const refs: TargetRef[] = []
const targets: (ResolvedTarget | undefined)[] = []
/** Flat: target index, args, extra per task. */
let queue: unknown[] = []
let head = 0
/** The seq of the next task to run. */
let nextSeq = 0
/** The results message being built: the tag, the seq of its first result, then the results. */
let out: unknown[] = [RESULTS_TAG, 0]
let pumping = false
/** The pool is terminating this worker (its grace kill won over the task's finish): start nothing more. */
let killed = false
let lastFlush = 0
let currentSeq = -1
let currentTask: Thread | undefined
let currentExtra: TaskExtra | undefined
/** The running task's generator, when it streams; where its progress() goes, when the caller listens. */
let currentStream: StreamDriver | undefined
let currentProgress: ProgressBatch | undefined
/** Cancel reasons that arrived before their task's thread object existed. */
const cancelReasons = new Map<number, unknown>()
const port = new PortPoll(
  (message) => handlePoolMessage(parent, message as PoolToWorker),
  () => head < queue.length,
  () => getRuntime().availableParallelism(),
)

export function handlePoolMessage(endpoint: Endpoint, message: PoolToWorker): void {
  parent = endpoint
  if (Array.isArray(message)) return receive(message)
  const record = message as Exclude<PoolToWorker, PoolTaskBatch>
  switch (record?.t) {
    case "pool-init":
      void init(record)
      return
    case "pool-tasks":
      receiveRefs(record)
      return
    case "pool-credit":
      if (record.seq === currentSeq) currentStream?.grant(record.n)
      return
    case "pool-cancel": {
      if (record.seq === currentSeq) currentStream?.stop() // the stream's reader stopped (or its signal, its timeout)
      const reason = deserializeThrown(record.reason)
      if (record.seq < nextSeq && record.seq !== currentSeq) return // already finished
      if (record.seq === currentSeq && currentTask !== undefined) currentTask.cancel(reason)
      else cancelReasons.set(record.seq, reason)
    }
  }
}

async function init(message: PoolInitMessage): Promise<void> {
  info = message.thread
  slots = message.control === undefined ? undefined : new SlotControl(message.control)
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
      const resolved = await resolveTarget(target)
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

function receiveRefs(message: PoolTasksMessage): void {
  if (message.refs !== undefined) {
    const base = message.refBase ?? 0
    for (let i = 0; i < message.refs.length; i++) refs[base + i] = message.refs[i]!
  }
  receive(message.tasks)
}

function receive(tasks: PoolTaskBatch): void {
  if (head === queue.length) {
    queue = tasks as unknown[]
    head = 0
  } else {
    for (let i = 0; i < tasks.length; i++) queue.push(tasks[i])
  }
  if (ready && !pumping && !killed) void pump()
}

function makeTaskThread(): Thread {
  const flag = slots?.cancelFlag(currentSeq)
  const thread = enterThread(undefined, undefined, info, flag, jobIdOf(currentSeq))
  currentTask = thread
  if (currentExtra?.progress) {
    const seq = currentSeq
    attachProgress(
      thread,
      (currentProgress = new ProgressBatch((values, shared, transfer) =>
        parent.post({ t: "pool-progress", seq, values, shared }, transfer),
      )),
    )
  }
  if (cancelReasons.has(currentSeq)) thread.cancel(cancelReasons.get(currentSeq))
  return thread
}

async function pump(): Promise<void> {
  pumping = true
  try {
    port.takeWaiting(parent)
    do {
      // Tasks that arrived while these ran are taken before the results go back: a result is
      // sent when the local queue is empty and nothing waits on the port, or FLUSH_EVERY_MS passed.
      while ((head < queue.length || port.takeWaitingTask(parent)) && !killed) {
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
        currentExtra = extra
        enterLazyThread(makeTaskThread, info.ident)
        let status = 0
        let value: unknown
        let self: Record<string, unknown> | undefined
        let target = targets[index]
        try {
          if (target === undefined) {
            flush()
            target = targets[index] = await resolveTarget(refs[index]!)
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
              const object = (self = rebuildObject(target.Class, fields))
              result = (object[target.method] as (...a: unknown[]) => unknown).apply(object, realArgs)
            } else if (extra.chunk) result = invokeChunk(target, realArgs)
            else result = invoke(target, realArgs)
            if (extra.stream !== undefined) result = stream(seq, result, extra.stream)
          }
          if (isThenable(result)) {
            flush()
            result = await result
          }
          value = result
          if (typeof value === "object" && value !== null) {
            if (isGeneratorObject(value))
              throw new ThreadTargetError(
                "the task returned a generator, which cannot be sent back: run a generator function with pool.stream(target, ...args) or pool.run(target, { stream: true })",
              )
            let encoded: { value: unknown; shared: boolean }
            try {
              encoded = encodeShared(value)
            } catch (error) {
              throw notSendable(error) // the walk met a throwing getter or a revoked Proxy
            }
            if (encoded.shared) {
              value = encoded.value
              status = SHARED
            }
          }
        } catch (error) {
          value = serializeThrown(explainFailure(error, target))
          status = FAILED
        }
        enterLazyThread(undefined)
        if (currentProgress !== undefined) {
          currentProgress.close() // its values go out before the task's result
          currentProgress = undefined
        }
        currentSeq = -1
        currentTask = undefined
        currentExtra = undefined
        if (cancelReasons.size > 0) cancelReasons.delete(seq)
        if (self !== undefined) {
          const { state, error } = collectObject(self, status === FAILED, "the task's object")
          if (error !== undefined) {
            status = FAILED
            value = serializeThrown(error)
          }
          status |= HAS_STATE
          value = { value, state }
        }
        const ended = performance.now()
        out.push(status, value, ended - started)
        if (slots === undefined) {
          // Without shared memory the pool tells the running task from finished ones by what it has received.
          flush()
        } else {
          // Finished, result not sent yet: if the worker dies now, this task did not die with it.
          if (!slots.finish(seq)) {
            // The pool's grace kill won the race for this task: run nothing more; terminate() is on its way.
            killed = true
            flush()
          }
          if (ended - lastFlush > FLUSH_EVERY_MS) flush()
        }
      }
      flush()
    } while (!killed && port.poll(parent))
  } finally {
    queue = []
    head = 0
    pumping = false
    flush()
  }
}

function claim(seq: number): boolean {
  return slots === undefined || slots.claim(seq)
}

function flush(): void {
  if (out.length === RESULTS_HEAD) return
  const results = out
  out = [RESULTS_TAG, (results[1] as number) + (results.length - RESULTS_HEAD) / RESULT_STRIDE]
  lastFlush = performance.now()
  try {
    parent.post(results)
  } catch {
    // One value could not be cloned: replace each such value by an error saying so, and resend.
    for (let i = RESULTS_HEAD; i < results.length; i += RESULT_STRIDE) {
      try {
        structuredClone(results[i + 1])
      } catch (error) {
        results[i] = FAILED
        results[i + 1] = serializeThrown(notSendable(error))
      }
    }
    parent.post(results)
  }
}

function notSendable(error: unknown): TypeError {
  return new TypeError(
    `the result of a task in ${info.name} cannot be sent back to the pool (${error instanceof Error ? error.message : String(error)}): return structured-cloneable data`,
    { cause: error },
  )
}

/** A stream task: the generator's values go to the reader as it grants credits; the result is its return value. */
async function stream(seq: number, generator: unknown, credits: number): Promise<unknown> {
  if (!isGeneratorObject(generator))
    throw new ThreadTargetError(
      `pool.stream() needs a generator function (function* or async function*) as its target; this one returned ${generator === null ? "null" : typeof generator}`,
    )
  const driver = (currentStream = new StreamDriver(credits, (values, shared, transfer) =>
    parent.post({ t: "pool-yield", seq, values, shared }, transfer),
  ))
  // Stopped while its target was still loading: closed before its first value.
  if (cancelReasons.has(seq) || currentTask?.cancelled === true) driver.stop()
  try {
    return await driver.drive(generator)
  } finally {
    currentStream = undefined
  }
}

function invoke(target: ResolvedTarget, args: unknown[]): unknown {
  if (target.kind === "function") return target.fn(...args)
  if (target.kind === "method")
    throw new ThreadTargetError(`${target.Class.name}.${target.method} needs its object: pass it with pool.run(object, { method })`)
  throw new ThreadTargetError(`a pool task needs a function or an object method as its target, got "${target.kind}"`)
}

async function invokeChunk(target: ResolvedTarget, items: unknown[]): Promise<unknown[] | ChunkFailure> {
  const results = new Array<unknown>(items.length)
  for (let i = 0; i < items.length; i++) {
    try {
      let result = invoke(target, [items[i]])
      if (isThenable(result)) result = await result
      results[i] = result
    } catch (error) {
      results.length = i
      return { partial: results, error: serializeThrown(explainFailure(error, target)) }
    }
  }
  return results
}
