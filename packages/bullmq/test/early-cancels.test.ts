// Cancellations a server hears before their job has reached its main thread.
import { expect, test } from "vitest"
import { EarlyCancels } from "../src/early-cancels.js"

test("a cancellation that came first is handed to its job once, when the job arrives", () => {
  const cancels = new EarlyCancels()
  expect(cancels.take("job-1")).toBeUndefined()
  const reason = new Error("stop")
  cancels.add("job-1", reason)
  expect(cancels.take("job-1")).toEqual({ reason })
  expect(cancels.take("job-1")).toBeUndefined()
  expect(cancels.size).toBe(0)
})

test("cancellations of jobs that never arrive (another server runs them) are forgotten after a while", () => {
  const cancels = new EarlyCancels(1000)
  cancels.add("elsewhere-1", "r", 0)
  cancels.add("elsewhere-2", "r", 500)
  cancels.add("elsewhere-3", "r", 1200) // elsewhere-1 is 1200 ms old: dropped
  expect(cancels.size).toBe(2)
  expect(cancels.take("elsewhere-1")).toBeUndefined()
  cancels.add("elsewhere-2", "again", 1300) // heard again: kept from now on
  cancels.add("late", "r", 2250) // elsewhere-3 (1050 ms) dropped; elsewhere-2 (950 ms) kept
  expect(cancels.take("elsewhere-3")).toBeUndefined()
  expect(cancels.take("elsewhere-2")).toEqual({ reason: "again" })
  expect(cancels.take("late")).toEqual({ reason: "r" })
})
