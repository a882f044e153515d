// The app's task module: tasks only, no start-up code. Imported by the page and by the app's
// worker entry. Keys are explicit because the bundle is minified and names do not survive.
import { currentThread, Thread, threadable } from "@weft/web"

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
  constructor(readonly values: number[]) {
    super({ name: "summer" })
  }
  override run(): number {
    for (const value of this.values) this.total += value
    return this.total
  }
}
threadable(import.meta.url, Summer, { name: "Summer" })

/** Never settles: for the test that closes the page under a running thread. */
export const forever = threadable(import.meta.url, function forever(): Promise<never> {
  return new Promise(() => {})
}, { name: "forever" })
