// Targets for the thread cases. This module is imported again inside every worker that runs one.
import { currentThread, getIdent, isMainThread, Thread, threadable } from "@weft/core"

export const add = threadable(import.meta.url, function add(a: number, b: number): number {
  return a + b
})

export const later = threadable(import.meta.url, async function later(value: string): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 1))
  return `${value}!`
})

export const echo = threadable(import.meta.url, function echo<T>(value: T): T {
  return value
})

export const whoAmI = threadable(import.meta.url, function whoAmI() {
  const me = currentThread()
  return { name: me.name, ident: me.ident, getIdent: getIdent(), main: isMainThread(), daemon: me.daemon, alive: me.isAlive() }
})

export class Counter {
  count: number
  label = "counter"
  temporary: string | undefined = "remove me"
  constructor(start: number) {
    this.count = start
  }
  add(step: number): number {
    this.count += step
    delete this.temporary
    return this.count
  }
  keepFunction(): string {
    return typeof (this as { helper?: unknown }).helper
  }
  leaveUncloneable(): void {
    ;(this as { handle?: unknown }).handle = Symbol("not cloneable")
  }
}
threadable(import.meta.url, Counter)

type DoublerReport = { name: string; ident: number | null; same: boolean; isThread: boolean }

export class Doubler extends Thread<DoublerReport> {
  value: number
  history: number[] = []
  constructor(value: number, name?: string) {
    super({ name })
    this.value = value
  }
  override run(): DoublerReport {
    this.history.push(this.value)
    this.value *= 2
    return { name: this.name, ident: this.ident, same: currentThread() === this, isThread: this instanceof Thread }
  }
}
threadable(import.meta.url, Doubler)

export class CodedError extends Error {
  override name = "CodedError"
  code = "E_CODED"
  detail = { retry: false }
}
threadable(import.meta.url, CodedError)

export const failRich = threadable(import.meta.url, function failRich(): never {
  const root = new RangeError("root cause")
  const middle = new TypeError("middle", { cause: root })
  throw new CodedError("top", { cause: middle })
})

export const failAggregate = threadable(import.meta.url, function failAggregate(): never {
  throw new AggregateError([new Error("first"), new CodedError("second")], "several")
})

export const failWith = threadable(import.meta.url, function failWith(value: unknown): never {
  throw value
})

/** Ends the worker the way each runtime can; Node and Deno report the code. */
export const exitWith = threadable(import.meta.url, function exitWith(code: number): void {
  const g = globalThis as { process?: { exit(code: number): never }; Deno?: { exit(code: number): never }; close?: () => void }
  if (g.Deno) g.Deno.exit(code)
  else if (g.process) g.process.exit(code)
  else g.close?.()
})

/** Spins until cancelled (through the synchronous flag); signals `flags[0] = 1` from inside the loop so the caller knows it is polling. */
export const spinUntilCancelled = threadable(import.meta.url, function spinUntilCancelled(flags: Int32Array): string {
  let spins = 0
  while (!currentThread().cancelled) {
    if (++spins === 1000) {
      Atomics.store(flags, 0, 1)
      Atomics.notify(flags, 0)
    }
  }
  return spins >= 1000 ? "stopped while polling" : "stopped before polling"
})

/** Signals `flags[0] = 1`, then spins forever: only terminate() stops it. */
export const spinForever = threadable(import.meta.url, function spinForever(flags: Int32Array): never {
  Atomics.store(flags, 0, 1)
  Atomics.notify(flags, 0)
  for (;;) {
    Atomics.add(flags, 1, 1)
  }
})

/** Resolves with the abort reason once the thread's signal aborts. */
export const awaitCancel = threadable(import.meta.url, function awaitCancel(): Promise<unknown> {
  const { signal } = currentThread()
  if (signal.aborted) return Promise.resolve({ reason: signal.reason, cancelled: currentThread().cancelled })
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve({ reason: signal.reason, cancelled: currentThread().cancelled }), { once: true }),
  )
})

/** Blocks until `flags[0]` becomes 1, then returns "released". */
export const blockUntilReleased = threadable(import.meta.url, function blockUntilReleased(flags: Int32Array): string {
  Atomics.store(flags, 1, 1)
  Atomics.notify(flags, 1)
  while (Atomics.load(flags, 0) !== 1) Atomics.wait(flags, 0, 0, 100)
  return "released"
})

/** Starts a thread from inside a thread and returns what it computed and both idents. */
export const nested = threadable(import.meta.url, async function nested(a: number, b: number) {
  const inner = new Thread({ target: add, args: [a, b] })
  inner.start()
  return { sum: await inner.join(), outer: getIdent(), inner: inner.ident }
})

export const returnUncloneable = threadable(import.meta.url, function returnUncloneable(): unknown {
  return { fn: () => 1 }
})
