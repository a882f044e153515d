import { deserializeThrown, serializeThrown } from "./error-transport.js"
import { RuntimeError, ThreadTargetError } from "./errors.js"
import { compileInline, explainMissingIdentifier } from "./inline-target.js"
import type { CancelMessage, DoneMessage, RunMessage, ToWorker } from "./protocol.js"
import { adoptLiveness } from "./liveness.js"
import { resolveRegistered } from "./registry.js"
import { importTaskModule, setRuntime, type Endpoint, type Runtime } from "./runtime.js"
import { decodeShared, encodeShared, FROM_CALLER, sharedReady } from "./shareable.js"
import { assignFields, collectState, fieldNotClonedBack } from "./thread-state.js"
import { resolveFunction, resolveMethodClass } from "./target-resolve.js"
import { isPoolMessage } from "./pool/pool-protocol.js"
import { handlePoolMessage } from "./pool/task-runner.js"
import { adoptIdentCounter, enterThread, nonDaemonThreadsEnded, Thread } from "./thread.js"

// The worker side of the protocol. An adapter's worker entry is one line: serveWorker(runtime).
// Jobs run one at a time, in arrival order; a thread's worker gets one job, a pool's many.

let running: { id: number; thread: Thread } | undefined
const queue: RunMessage[] = []
const cancelledBeforeStart = new Map<number, unknown>()

export function serveWorker(runtime: Runtime): void {
  setRuntime(runtime)
  const parent = runtime.parent()
  if (parent === undefined) throw new RuntimeError("serveWorker() must run inside a worker started by weft")
  parent.listen((message) => onMessage(parent, message as ToWorker))
}

function onMessage(parent: Endpoint, message: ToWorker): void {
  if (isPoolMessage(message)) return handlePoolMessage(parent, message)
  if (typeof message !== "object" || message === null) return // not weft's: user code may share the port
  if (message.t === "cancel") return cancel(message)
  if (message.t !== "run") return
  queue.push(message)
  if (running === undefined) void drain(parent)
}

function cancel(message: CancelMessage): void {
  const reason = deserializeThrown(message.reason)
  if (running?.id === message.id) running.thread.cancel(reason)
  else cancelledBeforeStart.set(message.id, reason)
}

async function drain(parent: Endpoint): Promise<void> {
  for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
    const done = await execute(job)
    try {
      parent.post(done)
    } catch (error) {
      parent.post({
        t: "done",
        id: job.id,
        ok: false,
        shared: false,
        error: serializeThrown(new TypeError(`the result of thread ${job.thread.name} cannot be sent back to its caller (${error instanceof Error ? error.message : String(error)}): return structured-cloneable data`, { cause: error })),
      } satisfies DoneMessage)
    }
    running = undefined
    if (job.once) {
      await nonDaemonThreadsEnded()
      parent.post({ t: "idle" })
    }
  }
}

async function execute(job: RunMessage): Promise<DoneMessage> {
  adoptIdentCounter(job.identCounter)
  adoptLiveness(job.liveness)
  const { target } = job
  let thread: Thread | undefined
  let self: object | undefined
  try {
    const args = (job.shared ? decodeShared(job.args, FROM_CALLER) : job.args) as unknown[]
    const fields = (job.shared && job.state ? decodeShared(job.state, FROM_CALLER) : job.state) as Record<string, unknown> | undefined
    // A Queue's codec or a Barrier's action may still be loading: their sync faces need them from the first line.
    if (job.shared) await sharedReady()
    let call: () => unknown
    switch (target.kind) {
      case "registered": {
        const fn = await resolveFunction(target.key, target.url)
        thread = begin(job, undefined, undefined)
        call = () => fn(...args)
        break
      }
      case "inline": {
        const fn = compileInline(target.source, target.name)
        thread = begin(job, undefined, undefined)
        call = async () => {
          try {
            return await fn(...args)
          } catch (error) {
            throw explainMissingIdentifier(error, target.name)
          }
        }
        break
      }
      case "method": {
        const Class = await resolveMethodClass(target.key, target.url, target.method)
        const object = Object.create(Class.prototype as object) as Record<string, unknown>
        if (fields !== undefined) assignFields(object, fields)
        const method = object[target.method]
        if (typeof method !== "function") throw new ThreadTargetError(`${Class.name} has no method "${target.method}"`)
        self = object
        thread = begin(job, undefined, undefined)
        call = () => (method as (...a: unknown[]) => unknown).apply(object, args)
        break
      }
      case "subclass": {
        const Class = await resolveRegistered(target.key, target.url, importTaskModule)
        if (typeof Class !== "function" || !(Class.prototype instanceof Thread)) {
          throw new ThreadTargetError(`"${target.key}" is registered but is not a Thread subclass`)
        }
        const copy = begin(job, Class, fields)
        thread = self = copy
        call = () => copy.run()
        break
      }
      case "none":
        thread = begin(job, undefined, undefined)
        call = () => undefined
        break
    }
    const value = await call()
    return finish(job, self, { ok: true, value })
  } catch (error) {
    if (thread === undefined) begin(job, undefined, undefined)
    return finish(job, self, { ok: false, error })
  }
}

function begin(job: RunMessage, Class: Function | undefined, fields: Record<string, unknown> | undefined): Thread {
  const thread = enterThread(Class, fields, job.thread, job.cancelFlag, job.id)
  running = { id: job.id, thread }
  const early = job.cancelled !== undefined ? deserializeThrown(job.cancelled) : cancelledBeforeStart.get(job.id)
  cancelledBeforeStart.delete(job.id)
  if (early !== undefined || job.cancelled !== undefined) thread.cancel(early)
  return thread
}

function finish(job: RunMessage, self: object | undefined, outcome: { ok: true; value: unknown } | { ok: false; error: unknown }): DoneMessage {
  let stateMessage: DoneMessage["state"]
  let result = outcome
  if (self !== undefined) {
    const { state, failed } = collectState(self)
    stateMessage = state
    if (failed.length > 0 && result.ok) {
      result = {
        ok: false,
        error: fieldNotClonedBack(failed[0]!, `thread ${job.thread.name}'s object`),
      }
    }
  }
  if (!result.ok) return { t: "done", id: job.id, ok: false, shared: false, error: serializeThrown(result.error), state: stateMessage }
  const { value, shared } = encodeShared(result.value)
  return { t: "done", id: job.id, ok: true, value, shared, state: stateMessage }
}
