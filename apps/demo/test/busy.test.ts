import { expect, test } from "vitest"
import { looksBusy } from "../src/busy.js"

test("the machine looks busy only when every threaded row is slower than serial on 2+ CPUs", () => {
  expect(looksBusy([0.84, 0.91, 0.7], 2)).toBe(true)
  expect(looksBusy([0.84, 1.34, 0.7], 2)).toBe(false)
  expect(looksBusy([0.84, 0.9], 1)).toBe(false) // one CPU: threads cannot win anyway
  expect(looksBusy([], 4)).toBe(false)
})
