// The per-key run-time estimate a server places jobs by.
import { expect, test } from "vitest"
import { RunTimes } from "../src/run-times.js"

test("unknown until a job ran; then an average weighted to the newest run; another thread's figure is taken as is", () => {
  const times = new RunTimes()
  expect(times.expected("k")).toBe(Infinity)
  times.record("k", 8) // a first run: loading, compiling
  expect(times.expected("k")).toBe(8)
  times.record("k", 0)
  times.record("k", 0)
  expect(times.expected("k")).toBe(2) // halves with each run: a slow start is forgotten fast
  times.adopt("k", 0.05)
  expect(times.expected("k")).toBe(0.05)
  expect(times.expected("other")).toBe(Infinity)
})
