// The app's task module: tasks only, no start-up code. Imported by the page and by the app's
// worker entry. Keys are explicit because the bundle is minified and names do not survive.
import { currentThread, Thread, threadable, type Lock } from "@weft/web"

export const fib = threadable(
  import.meta.url,
  function fib(n: number): number {
    return n < 2 ? n : fib(n - 1) + fib(n - 2)
  },
  { name: "fib" },
)

export class Counter {
  constructor(public count: number) {}
  add(step: number): { count: number; ident: number | null } {
    this.count += step
    return { count: this.count, ident: currentThread().ident }
  }
}
threadable(import.meta.url, Counter, { name: "Counter" })

export class Summer extends Thread<number> {
  total = 0
  constructor(readonly numbers: number[]) {
    super({ name: "summer" })
  }
  override run(): number {
    for (const value of this.numbers) this.total += value
    return this.total
  }
}
threadable(import.meta.url, Summer, { name: "Summer" })

/** Never settles: for the test that closes the page under a running thread. */
export const forever = threadable(
  import.meta.url,
  function forever(): Promise<never> {
    return new Promise(() => {})
  },
  { name: "forever" },
)

/** A read-modify-write that is only correct under the lock: load, then store (not Atomics.add). */
function bump(lock: Lock, counter: Int32Array, times: number): number {
  for (let i = 0; i < times; i++) {
    lock.acquireSync()
    const seen = Atomics.load(counter, 0)
    Atomics.store(counter, 0, seen + 1)
    lock.release()
  }
  return times
}

// One Lock, three styles: a function, a method of a plain object, a Thread subclass.
export const bumpFunction = threadable(
  import.meta.url,
  function bumpFunction(lock: Lock, counter: Int32Array, times: number): number {
    return bump(lock, counter, times)
  },
  { name: "bumpFunction" },
)

export class Bumper {
  constructor(
    public lock: Lock,
    public counter: Int32Array,
  ) {}
  bump(times: number): number {
    return bump(this.lock, this.counter, times)
  }
}
threadable(import.meta.url, Bumper, { name: "Bumper" })

export class BumpThread extends Thread<number> {
  constructor(
    public lock: Lock,
    public counter: Int32Array,
    public times: number,
  ) {
    super({ name: "bump-thread" })
  }
  override run(): number {
    return bump(this.lock, this.counter, this.times)
  }
}
threadable(import.meta.url, BumpThread, { name: "BumpThread" })
