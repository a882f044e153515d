// PortPoll over a real MessageChannel: Node's receiveMessageOnPort reads its far end synchronously.
import { MessageChannel, receiveMessageOnPort } from "node:worker_threads"
import { afterEach, describe, expect, test } from "vitest"
import type { Endpoint } from "../src/runtime.js"
import { PortPoll } from "../src/worker/port-poll.js"

const channels: MessageChannel[] = []
afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close()
    channel.port2.close()
  }
})

/** The worker's end of a channel, counting how often it is read; `send` posts from the pool's end. */
function connect(cpus = 2) {
  const channel = new MessageChannel()
  channels.push(channel)
  const port = {
    reads: 0,
    post: () => {},
    listen: () => () => {},
    close: () => {},
    receiveNow() {
      port.reads++
      return receiveMessageOnPort(channel.port2)
    },
  }
  const taken: unknown[] = []
  const poll = new PortPoll(
    (message) => taken.push(message),
    () => taken.length > 0,
    () => cpus,
  )
  return { port: port as typeof port & Endpoint, taken, poll, send: (message: unknown) => channel.port1.postMessage(message) }
}

describe("PortPoll", () => {
  test("takeWaiting takes every message already waiting, in order", () => {
    const { port, taken, poll, send } = connect()
    for (let i = 0; i < 5; i++) send(i)
    poll.takeWaiting(port)
    expect(taken).toEqual([0, 1, 2, 3, 4])
    expect(poll.takeWaitingTask(port)).toBe(true) // nothing more came; the queue still holds them
  })

  test("a poll returns as soon as a message is there, with every message that waited", () => {
    const { port, taken, poll, send } = connect()
    send("a")
    send("b")
    expect(poll.poll(port)).toBe(true)
    expect(taken).toEqual(["a", "b"])
  })

  test("after polls that find nothing it glances for 1, 3, 7 idles; one that finds a task restores it", () => {
    const { port, taken, poll, send } = connect()
    const reads = (run: () => boolean) => {
      const before = port.reads
      expect(run()).toBe(false)
      return port.reads - before
    }
    const idle = () => reads(() => poll.poll(port))
    expect(idle()).toBeGreaterThan(1) // a full poll
    expect(idle()).toBe(1) // 1 glance
    expect(idle()).toBeGreaterThan(1)
    expect([idle(), idle(), idle()]).toEqual([1, 1, 1]) // 3 glances
    expect(idle()).toBeGreaterThan(1)
    expect(Array.from({ length: 7 }, idle)).toEqual(Array(7).fill(1))
    // The next is a poll: it finds a task, which ends the backoff.
    send("task")
    expect(poll.poll(port)).toBe(true)
    taken.length = 0
    expect(idle()).toBeGreaterThan(1) // polls again at once, misses, glances once
    send("waiting")
    expect(poll.poll(port)).toBe(true) // a glance takes what waits, but does not end the backoff
    taken.length = 0
    expect(idle()).toBeGreaterThan(1)
    expect([idle(), idle(), idle()]).toEqual([1, 1, 1])
  })

  test("on one CPU it never polls: each idle only glances, and a glance still takes what waits", () => {
    const { port, taken, poll, send } = connect(1)
    for (let i = 0; i < 10; i++) {
      const before = port.reads
      expect(poll.poll(port)).toBe(false)
      expect(port.reads - before).toBe(1)
    }
    send("task")
    expect(poll.poll(port)).toBe(true)
    expect(taken).toEqual(["task"])
  })
})
