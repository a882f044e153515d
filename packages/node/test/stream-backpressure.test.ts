// Backpressure (#17): a slow consumer of an endless stream keeps the worker at most highWaterMark
// values ahead. The generator counts what it produces in a shared word; the test counts what it
// consumes and, after each value, lets the worker run ahead (it waits for the next value to be
// produced) before reading how far ahead it is. Counts, never time or RSS.
import { ThreadPool } from "@weft/node"
import { afterAll, describe, expect, test } from "vitest"
import { countedNaturals } from "./fixtures/backpressure-tasks.mjs"

const pool = new ThreadPool({ maxWorkers: 1 })
afterAll(() => pool.shutdown({ wait: true, cancelFutures: true }))

// Node 20 has Atomics.waitAsync; the project's lib (es2022) does not declare it.
type WaitAsync = (array: Int32Array, index: number, value: number, timeout?: number) => { async: boolean; value: unknown }
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync

/** Resolves once `word[0]` is above `floor`, parking on the word instead of polling. */
async function untilAbove(word: Int32Array, floor: number): Promise<number> {
  for (;;) {
    const seen = Atomics.load(word, 0)
    if (seen > floor) return seen
    // "not-equal" (the word moved since the load) is as good as "ok": look again.
    const wait = waitAsync(word, 0, seen, 1000)
    if (wait.async) await (wait.value as Promise<unknown>)
  }
}

/**
 * Consumes `count` values slowly and returns the most values the worker had produced beyond
 * those consumed.
 */
async function maxRunAhead(highWaterMark: number, count: number): Promise<number> {
  const produced = new Int32Array(new SharedArrayBuffer(4))
  let consumed = 0
  let most = 0
  for await (const value of pool.run(countedNaturals, { args: [produced], stream: true, highWaterMark })) {
    expect(value).toBe(consumed)
    consumed++
    // The slow part: before asking for more, let the worker produce and read how far it got.
    await untilAbove(produced, consumed)
    await new Promise((resolve) => setImmediate(resolve))
    most = Math.max(most, Atomics.load(produced, 0) - consumed)
    if (consumed === count) break
  }
  return most
}

describe("streaming backpressure", () => {
  for (const highWaterMark of [1, 8, 64]) {
    test(`a slow consumer with highWaterMark ${highWaterMark} keeps the worker at most ${highWaterMark} values ahead`, async () => {
      const most = await maxRunAhead(highWaterMark, 2_000)
      expect(most).toBeGreaterThanOrEqual(1)
      // The generator waits for a credit before it computes a value: sent and buffered values together
      // never exceed highWaterMark (this run reached it on every size).
      expect(most).toBeLessThanOrEqual(highWaterMark)
    })
  }
})
