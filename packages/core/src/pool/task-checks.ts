import { describe } from "../registry.js"

// The checks every executor (ThreadPool, @weft/bullmq's ClusterPool) makes on submit/run, so bad
// input gets the same typed error with the same words whichever executor runs the task.

/** Below this many waiting tasks "auto" captures each task's submit() site; above, a flood skips it. */
export const STACK_FLOOD = 64

/** `run(target, options)`: options must be an object. */
export function checkRunOptions(options: unknown): void {
  if (typeof options !== "object" || options === null)
    throw new TypeError(`run(target, options) takes an options object, got ${describe(options)}`)
}

/** A task's arguments must be an array. */
export function checkTaskArgs(args: unknown, label: string): asserts args is readonly unknown[] {
  if (!Array.isArray(args)) throw new TypeError(`args of ${label} must be an array, got ${describe(args)}`)
}

/** A per-task timeout is a number of milliseconds >= 0 (or absent). */
export function checkTimeout(timeout: unknown): asserts timeout is number | undefined {
  if (timeout !== undefined && (typeof timeout !== "number" || !(timeout >= 0)))
    throw new RangeError(`timeout must be a number of milliseconds >= 0, got ${String(timeout)}`)
}

/**
 * Whether to capture a new task's submit() site (the caller does `new Error()` itself, so the
 * stack's frames stay the same): true always, "auto" only while fewer than STACK_FLOOD tasks
 * wait (a stack costs microseconds, and memory until the task settles).
 */
export function captureSite(captureStacks: boolean | "auto", waiting: number): boolean {
  return captureStacks === true || (captureStacks === "auto" && waiting < STACK_FLOOD)
}
