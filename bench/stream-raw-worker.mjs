// The baseline weft's streaming is compared with: a worker that drives the same kind of generator
// and posts its values in batches over postMessage, never more than the credits the consumer
// granted (a simple credit window). It also echoes `{ echo }` messages, for the round-trip row.
import { parentPort } from "node:worker_threads"

function* numbers(count) {
  for (let i = 0; i < count; i++) yield i
}

function* chunks(count, bytes) {
  for (let i = 0; i < count; i++) yield new Uint8Array(bytes).fill(i & 0xff)
}

let source
let credits = 0
let batchSize = 64

/** Posts what the credits allow, in batches; ends the stream with `done`. */
function pump() {
  while (source !== undefined && credits > 0) {
    const values = []
    const limit = Math.min(batchSize, credits)
    let done = false
    while (values.length < limit) {
      const step = source.next()
      if (step.done) {
        done = true
        break
      }
      values.push(step.value)
    }
    credits -= values.length
    parentPort.postMessage({ values, done })
    if (done) source = undefined
  }
}

parentPort.on("message", (message) => {
  if (message.echo !== undefined) return parentPort.postMessage(message)
  if (message.start !== undefined) {
    const { kind, count, bytes, window, batch } = message.start
    source = kind === "chunks" ? chunks(count, bytes) : numbers(count)
    credits = window
    batchSize = batch
    return pump()
  }
  if (message.credit !== undefined) {
    credits += message.credit
    pump()
  }
})
