// The baseline weft's pool is compared with: a bare worker that runs each message's task and
// answers with its id. No batching, no framework; one message per task each way.
import { parentPort } from "node:worker_threads"

const tasks = {
  noop: (x) => x,
  spin: (ms) => {
    const end = performance.now() + ms
    let n = 0
    while (performance.now() < end) n++
    return n
  },
}

parentPort.on("message", (message) => {
  if (message.echo !== undefined) return parentPort.postMessage(message)
  parentPort.postMessage({ id: message.id, value: tasks[message.fn](message.arg) })
})
