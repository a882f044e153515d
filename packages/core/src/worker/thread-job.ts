// A Thread's worker runs one job: the target, then a `done` answer, then, once every non-daemon
// thread the job started has ended, `idle` (the parent then terminates the worker).
import { deserializeThrown, serializeThrown } from "../error-transport.js"
import { CancelledError, ThreadTargetError } from "../errors.js"
import { adoptLiveness } from "../liveness.js"
import type { CancelMessage, CreditMessage, DoneMessage, RunMessage, StopMessage } from "../protocol.js"
import type { Endpoint } from "../runtime.js"
import { decodeShared, encodeShared } from "../shareable.js"
import { FROM_CALLER, sharedReady } from "../shared-record.js"
import type { Thread } from "../thread.js"
import { adoptIdentCounter } from "../thread-idents.js"
import { enterThread, nonDaemonThreadsEnded } from "../thread-registry.js"
import { DEFAULT_HIGH_WATER_MARK } from "../stream/credit-window.js"
import { attachProgress, ProgressBatch } from "../stream/progress.js"
import { isGeneratorObject, StreamDriver } from "../stream/stream-driver.js"
import { collectObject, explainFailure, rebuildObject, resolveTarget, type ResolvedTarget } from "./target-call.js"

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown }

let started = false
let running: { id: number; thread: Thread } | undefined
const cancelledBeforeStart = new Map<number, unknown>()
let port: Endpoint
/** The job's generator, while it streams. */
let stream: StreamDriver | undefined
let stopped = false
/** Where the job's progress() goes, when its caller listens. */
let progress: ProgressBatch | undefined

export function cancelJob(message: CancelMessage): void {
  const reason = deserializeThrown(message.reason)
  if (running?.id === message.id) running.thread.cancel(reason)
  else cancelledBeforeStart.set(message.id, reason)
}

/** The reader of the job's values read some (credit) or stopped (stop: the generator is closed, the thread's signal aborts). */
export function controlJob(message: CreditMessage | StopMessage): void {
  if (running?.id !== message.id) return
  if (message.t === "credit") return stream?.grant(message.n)
  stopped = true
  stream?.stop()
  running.thread.cancel(new CancelledError(`the reader of thread ${running.thread.name}'s values stopped reading`))
}

export async function runJob(parent: Endpoint, job: RunMessage): Promise<void> {
  if (started) return // a Thread's worker gets one job; a second run message is not from weft
  started = true
  port = parent
  const done = await execute(job)
  progress?.close()
  try {
    parent.post(done)
  } catch (error) {
    parent.post({
      t: "done",
      id: job.id,
      ok: false,
      shared: false,
      error: serializeThrown(
        new TypeError(
          `the result of thread ${job.thread.name} cannot be sent back to its caller (${error instanceof Error ? error.message : String(error)}): return structured-cloneable data`,
          { cause: error },
        ),
      ),
    } satisfies DoneMessage)
  }
  running = undefined
  await nonDaemonThreadsEnded()
  parent.post({ t: "idle" })
}

async function execute(job: RunMessage): Promise<DoneMessage> {
  adoptIdentCounter(job.identCounter)
  adoptLiveness(job.liveness)
  let target: ResolvedTarget | undefined
  let thread: Thread | undefined
  let self: object | undefined
  try {
    const args = (job.shared ? decodeShared(job.args, FROM_CALLER) : job.args) as unknown[]
    const fields = (job.shared && job.state ? decodeShared(job.state, FROM_CALLER) : job.state) as Record<string, unknown> | undefined
    // A Queue's codec or a Barrier's action may still be loading: their sync faces need them from the first line.
    if (job.shared) await sharedReady()
    target = await resolveTarget(job.target)
    let call: () => unknown
    switch (target.kind) {
      case "function": {
        const { fn } = target
        call = () => fn(...args)
        thread = begin(job, undefined, undefined)
        break
      }
      case "method": {
        const object = rebuildObject(target.Class, fields)
        const method = object[target.method]
        if (typeof method !== "function") throw new ThreadTargetError(`${target.Class.name} has no method "${target.method}"`)
        self = object
        call = () => (method as (...a: unknown[]) => unknown).apply(object, args)
        thread = begin(job, undefined, undefined)
        break
      }
      case "subclass": {
        const copy = begin(job, target.Class, fields)
        thread = self = copy
        call = () => copy.run()
        break
      }
      case "none":
        thread = begin(job, undefined, undefined)
        call = () => undefined
    }
    return finish(job, self, { ok: true, value: await complete(job, call()) })
  } catch (error) {
    if (thread === undefined) begin(job, undefined, undefined)
    return finish(job, self, { ok: false, error: explainFailure(error, target) })
  }
}

/** A generator's values go to the caller as it reads them; the job's result is the generator's return value. */
async function complete(job: RunMessage, result: unknown): Promise<unknown> {
  if (!isGeneratorObject(result)) return await result
  const id = job.id
  stream = new StreamDriver(job.credits ?? DEFAULT_HIGH_WATER_MARK, (values, shared, transfer) =>
    port.post({ t: "yield", id, values, shared }, transfer),
  )
  if (stopped) stream.stop() // the reader stopped before the generator existed
  try {
    return await stream.drive(result)
  } finally {
    stream = undefined
  }
}

function begin(job: RunMessage, Class: Function | undefined, fields: Record<string, unknown> | undefined): Thread {
  const thread = enterThread(Class, fields, job.thread, job.cancelFlag, job.id)
  if (job.progress)
    attachProgress(
      thread,
      (progress = new ProgressBatch((values, shared, transfer) => port.post({ t: "progress", id: job.id, values, shared }, transfer))),
    )
  running = { id: job.id, thread }
  const early = job.cancelled !== undefined ? deserializeThrown(job.cancelled) : cancelledBeforeStart.get(job.id)
  cancelledBeforeStart.delete(job.id)
  if (early !== undefined || job.cancelled !== undefined) thread.cancel(early)
  return thread
}

function finish(job: RunMessage, self: object | undefined, outcome: Outcome): DoneMessage {
  let state: DoneMessage["state"]
  let result = outcome
  if (self !== undefined) {
    const collected = collectObject(self, !outcome.ok, `thread ${job.thread.name}'s object`)
    state = collected.state
    if (collected.error !== undefined) result = { ok: false, error: collected.error }
  }
  if (result.ok) {
    try {
      const { value, shared } = encodeShared(result.value)
      return { t: "done", id: job.id, ok: true, value, shared, state }
    } catch (error) {
      // The value could not be walked (a throwing getter, a revoked Proxy).
      result = {
        ok: false,
        error: new TypeError(
          `the result of thread ${job.thread.name} cannot be sent back to its caller (${error instanceof Error ? error.message : String(error)}): return structured-cloneable data`,
          { cause: error },
        ),
      }
    }
  }
  return { t: "done", id: job.id, ok: false, shared: false, error: serializeThrown(result.error), state }
}
