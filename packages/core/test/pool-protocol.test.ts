import { describe, expect, test } from "vitest"
import { isPoolMessage } from "../src/pool/pool-protocol.js"

describe("the pool's messages", () => {
  test("a bare array is a batch of tasks; a tagged object is the pool's; anything else is not", () => {
    expect(isPoolMessage([0, [1], undefined])).toBe(true)
    expect(isPoolMessage([])).toBe(true)
    for (const t of ["pool-init", "pool-tasks", "pool-cancel", "pool-credit"]) expect(isPoolMessage({ t })).toBe(true)
    for (const other of [null, undefined, 1, "pool-tasks", { t: "run" }, { t: 1 }, {}, { tasks: [] }])
      expect(isPoolMessage(other)).toBe(false)
  })
})
