import { describe, expect, test } from "vitest"
import { jobIdOf, SlotControl } from "../src/pool/slot-control.js"
import { RING } from "../src/pool/pool-protocol.js"

describe("SlotControl", () => {
  test("a task is claimed by the worker or withdrawn by the pool, never both", () => {
    const pool = new SlotControl()
    const worker = new SlotControl(pool.words)
    expect(worker.claim(0)).toBe(true)
    expect(pool.withdraw(0)).toBe(false)
    expect(pool.withdraw(1)).toBe(true)
    expect(worker.claim(1)).toBe(false)
  })

  test("running → finished (result not sent) → answered", () => {
    const pool = new SlotControl()
    const worker = new SlotControl(pool.words)
    expect(pool.started(5)).toBe(false)
    worker.claim(5)
    expect(pool.running(5)).toBe(true)
    expect(pool.started(5)).toBe(true)
    worker.finish(5)
    expect(pool.running(5)).toBe(false)
    expect(pool.started(5)).toBe(true)
    pool.answered(5)
    expect(pool.started(5)).toBe(false)
    expect(worker.claim(5 + RING)).toBe(true)
  })

  test("cancel writes the job id into the slot's cancel flag", () => {
    const pool = new SlotControl()
    const flag = new SlotControl(pool.words).cancelFlag(3)
    expect(Atomics.load(flag, 0)).toBe(0)
    pool.cancel(3)
    expect(Atomics.load(flag, 0)).toBe(jobIdOf(3))
    expect(jobIdOf(3)).not.toBe(0)
    expect(jobIdOf(0)).not.toBe(0)
  })

  test("slots wrap around the ring", () => {
    const pool = new SlotControl()
    pool.withdraw(RING + 2)
    expect(pool.withdraw(2)).toBe(false)
  })

  test("the grace kill and the worker's finish race: exactly one wins", () => {
    const pool = new SlotControl()
    const worker = new SlotControl(pool.words)
    worker.claim(1)
    expect(pool.kill(1)).toBe(true)
    expect(worker.finish(1)).toBe(false)
    expect(pool.running(1)).toBe(true)
    worker.claim(2)
    expect(worker.finish(2)).toBe(true)
    expect(pool.kill(2)).toBe(false)
    expect(pool.running(2)).toBe(false)
  })
})
