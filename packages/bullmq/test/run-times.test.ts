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

test("typical(): the median of the last three runs, so one preempted run does not make a tiny key look slow", () => {
  const times = new RunTimes()
  expect(times.typical("k")).toBe(Infinity)
  times.adopt("k", 0.02)
  expect(times.typical("k")).toBe(0.02)
  times.record("k", 0.01)
  times.record("k", 6) // descheduled mid-run: wall time, not work
  expect(times.typical("k")).toBe(0.02)
  expect(times.expected("k")).toBeGreaterThan(1) // the average does jump
  times.record("k", 0.01)
  expect(times.typical("k")).toBe(0.01)
  times.record("k", 40) // the key's jobs really became slow: two slow runs in three say so
  times.record("k", 50)
  expect(times.typical("k")).toBe(40)
  times.adopt("k", 0.05) // the main thread's figure replaces every recent run
  expect(times.typical("k")).toBe(0.05)
})
