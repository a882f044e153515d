// The physical limit weft's Thread is compared with: a bare worker that raises a flag or echoes.
import { parentPort, workerData } from "node:worker_threads"

if (workerData?.flags) {
  Atomics.store(workerData.flags, 0, 1)
  Atomics.notify(workerData.flags, 0)
}
parentPort.once("message", (message) => {
  parentPort.postMessage(message)
  parentPort.close()
})
