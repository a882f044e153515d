// How tasks reach a pool worker. A worker takes every batch already waiting on its port before it
// runs the next task, and answers them in one result message (it used to take one batch at a time
// and answer each on its own, so under a steady flood the batches fragmented into one task per
// message each way). A task submitted while a worker is idle goes to it at once. Real workers;
// counted messages and Atomics hand-shakes, never time.
import { Worker } from "node:worker_threads"
import { ThreadPool } from "@weft/node"
import { afterAll, expect, test } from "vitest"
import { heldAtGate, identity, raiseFlag } from "./fixtures/batch-tasks.mjs"

let messages = 0
const emit = Worker.prototype.emit
Worker.prototype.emit = function (this: Worker, event: string | symbol, ...args: unknown[]) {
  if (event === "message") messages++
  return emit.call(this, event, ...args)
}
const pool = new ThreadPool({ maxWorkers: 1 })
afterAll(async () => {
  await pool.shutdown()
  Worker.prototype.emit = emit
})

// Node 20 has Atomics.waitAsync; the project's lib (es2022) does not declare it.
type WaitAsync = (array: Int32Array, index: number, value: number) => { async: boolean; value: unknown }
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync

test("batches that queued up while a task ran are answered together, not one message each", async () => {
  expect(await pool.submit(identity, 0)).toBe(0) // the worker is up
  const gate = new Int32Array(new SharedArrayBuffer(8))
  const held = pool.submit(heldAtGate, gate)
  for (;;) {
    if (Atomics.load(gate, 1) === 1) break
    const wait = waitAsync(gate, 1, 0)
    if (wait.async) await (wait.value as Promise<unknown>)
  }
  // Six submits, each after the pool has sent the one before: six batches wait on the worker's port.
  const later: Promise<number>[] = []
  for (let i = 1; i <= 6; i++) {
    later.push(pool.submit(identity, i))
    await new Promise((resolve) => setImmediate(resolve))
  }
  messages = 0
  Atomics.store(gate, 0, 1)
  Atomics.notify(gate, 0)
  expect(await held).toBe("released")
  expect(await Promise.all(later)).toEqual([1, 2, 3, 4, 5, 6])
  // One message for the held task's result (it ran long), one for the six; a preemption of the
  // worker between the no-op tasks may add a time-based one. Taking one batch at a time made 6 or 7.
  expect(messages).toBeLessThanOrEqual(4)
})

test("a task submitted while a worker is idle starts before the submitting code yields", async () => {
  expect(await pool.submit(identity, 0)).toBe(0) // the worker is up and idle
  const flags = new Int32Array(new SharedArrayBuffer(4))
  const started = pool.submit(raiseFlag, flags)
  // Still inside the same synchronous run: a task sent only once this code yields could not run yet.
  expect(Atomics.wait(flags, 0, 0, 30_000)).not.toBe("timed-out")
  await started
})
