// Generator targets for the streaming cases. This module is imported again inside every worker
// that runs one, so each generator is registered under its name on both sides.
import { currentThread, Lock, Thread, threadable, type Event } from "@weft/core"
import { CodedError } from "./thread-tasks.js"

/** Yields 0 .. n-1, then returns `counted n`. */
export const countTo = threadable(import.meta.url, function* countTo(n: number): Generator<number, string> {
  for (let i = 0; i < n; i++) yield i
  return `counted ${n}`
})

/** The async twin of countTo: awaits between values. */
export const countToLater = threadable(import.meta.url, async function* countToLater(n: number): AsyncGenerator<number, string> {
  for (let i = 0; i < n; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0))
    yield i
  }
  return `counted ${n} later`
})

/** Yields 0, 1, 2, ... for ever; sets `stopped` in its finally block (when the consumer ends it). */
export const naturals = threadable(import.meta.url, function* naturals(stopped?: Event): Generator<number, never> {
  try {
    for (let i = 0; ; i++) yield i
  } finally {
    stopped?.set()
  }
})

/** Yields 1 and 2, then fails on the way to the third value with a CodedError caused by a RangeError. */
export const failOnThird = threadable(import.meta.url, function* failOnThird(): Generator<number, void> {
  yield 1
  yield 2
  throw new CodedError("third value failed", { cause: new RangeError("no third value") })
})

/**
 * A stream whose values hold locks. The first value carries `gate` (which the caller holds); the
 * generator then waits for the gate, which only the caller releasing the copy it received can
 * open. The second value carries a Lock made here and held until `proceed` is set.
 */
export const lockRelay = threadable(import.meta.url, async function* lockRelay(gate: Lock, proceed: Event): AsyncGenerator<
  { step: string; lock: Lock; locked: boolean },
  string
> {
  yield { step: "caller holds the gate", lock: gate, locked: gate.locked() }
  await gate.acquire()
  gate.release()
  const own = new Lock()
  await own.acquire()
  try {
    yield { step: "worker holds its own lock", lock: own, locked: own.locked() }
    await proceed.wait()
  } finally {
    own.release()
  }
  return "relayed"
})

/** A long non-generator task that reports progress 0 .. n-1, then returns `finished`. */
export const reportProgress = threadable(import.meta.url, async function reportProgress(n: number): Promise<string> {
  for (let i = 0; i < n; i++) {
    currentThread().progress(i)
    if (i % 4 === 3) await new Promise((resolve) => setTimeout(resolve, 0))
  }
  return "finished"
})

/** Instance style: the method is a generator over the object's own fields, which come back. */
export class Ticker {
  label: string
  ticks = 0
  constructor(label: string) {
    this.label = label
  }
  *tick(times: number): Generator<string, number> {
    for (let i = 0; i < times; i++) {
      this.ticks++
      yield `${this.label} ${this.ticks}`
    }
    return this.ticks
  }
}
threadable(import.meta.url, Ticker)

/** Subclass style: run() is a generator; its return value is what join() resolves with. */
export class Squares extends Thread {
  limit: number
  constructor(limit: number) {
    super({ name: "squares" })
    this.limit = limit
  }
  override *run(): Generator<number, string> {
    for (let i = 1; i <= this.limit; i++) yield i * i
    return `${this.limit} squares from ${currentThread().name}`
  }
}
threadable(import.meta.url, Squares)
