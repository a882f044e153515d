// The spare worker a Thread takes has already exchanged one message with its parent: on some
// runtimes (Deno: about 1.5 ms) the first message each way on a worker costs extra, and the
// spare pays it while it waits. Observed on the real worker_threads Worker, by wrapping its postMessage.
import { Worker } from "node:worker_threads"
import { Thread } from "@weft/node"
import { afterEach, describe, expect, test } from "vitest"
import { succeed } from "./fixtures/caller-site-tasks.mjs"

const original = Worker.prototype.postMessage
/** What each worker was sent, in order; and the first answer each gave. */
const sent = new Map<Worker, unknown[]>()
const firstAnswer = new Map<Worker, Promise<unknown>>()

afterEach(() => {
  Worker.prototype.postMessage = original
  sent.clear()
  firstAnswer.clear()
})

function record(): void {
  Worker.prototype.postMessage = function (this: Worker, message: unknown, transfer?: never) {
    if (!sent.has(this)) {
      sent.set(this, [])
      // Attached before the message goes, so its answer cannot arrive unseen.
      firstAnswer.set(this, new Promise((resolve) => this.once("message", resolve)))
    }
    sent.get(this)!.push(message)
    return original.call(this, message, transfer)
  }
}

const kind = (message: unknown) => (message as { t?: unknown }).t

describe("the spare worker", () => {
  test("is sent a warm-up message when it boots, answers it, and is the worker the next thread takes", async () => {
    record()
    const first = new Thread({ target: succeed, args: [1] })
    first.start()
    await expect(first.join()).resolves.toBe(1)
    // The spare booted after first.start() returned: its first message is the warm-up.
    const spares = [...sent].filter(([, messages]) => kind(messages[0]) === "warm").map(([worker]) => worker)
    expect(spares).toHaveLength(1)
    const spare = spares[0]!
    await expect(firstAnswer.get(spare)).resolves.toEqual({ t: "warm" })

    const second = new Thread({ target: succeed, args: [2] })
    second.start()
    await expect(second.join()).resolves.toBe(2)
    expect(sent.get(spare)!.map(kind)).toEqual(["warm", "run"])
  })
})
