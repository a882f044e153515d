// The example app's task module: tasks only, no start-up code. Every worker imports it. Keys are
// explicit here because the manual recipe (no plugin) needs them in minified bundles.
import { Thread, threadable } from "weftjs"

export const fib = threadable(
  import.meta.url,
  function fib(n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2)
  },
  { name: "fib" },
)

/** Style 2: an instance of a registered class, one of its methods as the target. */
export class Counter {
  constructor(count) {
    this.count = count
  }
  add(n) {
    this.count += n
    return this.count
  }
}
threadable(import.meta.url, Counter, { name: "Counter" })

/** Style 3: a Thread subclass. */
export class Summer extends Thread {
  constructor(values) {
    super({ name: "summer" })
    this.values = values
    this.total = 0
  }
  run() {
    this.total = this.values.reduce((a, b) => a + b, 0)
    return this.total
  }
}
threadable(import.meta.url, Summer, { name: "Summer" })

/** A read-modify-write that loses updates unless the Lock serialises it. */
export const bump = threadable(
  import.meta.url,
  function bump(lock, counter, times) {
    for (let i = 0; i < times; i++) {
      lock.acquireSync()
      try {
        const seen = counter[0]
        for (let spin = 0; spin < 20; spin++) Atomics.load(counter, 1)
        counter[0] = seen + 1
      } finally {
        lock.release()
      }
    }
    return times
  },
  { name: "bump" },
)

/** A registered error class: it crosses back as itself, with its own fields. */
export class TaskError extends Error {
  constructor(message, code) {
    super(message)
    this.name = "TaskError"
    this.code = code
  }
}
threadable(import.meta.url, TaskError, { name: "TaskError" })

export const fail = threadable(
  import.meta.url,
  function fail(code) {
    throw new TaskError(`task failed with ${code}`, code)
  },
  { name: "fail" },
)
