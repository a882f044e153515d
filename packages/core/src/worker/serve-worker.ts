// The worker side of the protocol: every message from the parent is routed here. An adapter's
// worker entry is one line: serveWorker(runtime). A Thread's worker runs one job
// (thread-job.ts); a pool's worker runs tasks for as long as the pool keeps it (pool-runner.ts).
import { RuntimeError } from "../errors.js"
import { isPoolMessage } from "../pool/pool-protocol.js"
import type { ToWorker } from "../protocol.js"
import { getRuntime, setRuntime, type Endpoint, type Runtime } from "../runtime.js"
import { setPendingReceiver } from "../pending-receiver.js"
import { handlePoolMessage } from "./pool-runner.js"
import { cancelJob, controlJob, runJob } from "./thread-job.js"

/**
 * The worker side of weft: adapters' worker entries call it to run the tasks and threads sent to them.
 * Without an argument it serves the runtime the adapter's entry already bound (its import did it).
 */
export function serveWorker(runtime: Runtime = getRuntime()): void {
  setRuntime(runtime)
  const parent = runtime.parent()
  if (parent === undefined) throw new RuntimeError("serveWorker() must run inside a worker started by weft")
  parent.listen((message) => route(parent, message as ToWorker))
  const receiveNow = parent.receiveNow
  // A CPU loop that sees its cancel flag handles the cancel message (with its reason) right away.
  if (receiveNow !== undefined) {
    setPendingReceiver((until) => {
      while (!until()) {
        const received = receiveNow.call(parent)
        if (received === undefined) return
        route(parent, received.message as ToWorker)
      }
    })
  }
}

function route(parent: Endpoint, message: ToWorker): void {
  if (isPoolMessage(message)) return handlePoolMessage(parent, message)
  if (typeof message !== "object" || message === null) return // not weft's: user code may share the port
  if (message.t === "cancel") return cancelJob(message)
  if (message.t === "credit" || message.t === "stop") return controlJob(message)
  if (message.t === "run") void runJob(parent, message)
  else if (message.t === "warm") parent.post(message)
}
