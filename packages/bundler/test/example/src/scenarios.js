// The example program, the same on every bundler and runtime: three styles, a Lock across two
// threads, a pool with map, a registered error class. Each scenario records its outcome.
import { Lock, Thread, ThreadPool } from "weftjs"
import { bump, Counter, fail, fib, Summer, TaskError } from "./tasks.js"

async function outcome(body) {
  try {
    return { ok: true, value: await body() }
  } catch (error) {
    return { ok: false, name: String(error?.name), error: String(error?.message ?? error) }
  }
}

async function run(thread) {
  thread.start()
  return thread.join()
}

export const scenarios = {
  functional: () => run(new Thread({ target: fib, args: [20] })),
  instance: async () => {
    const counter = new Counter(5)
    const inside = await run(new Thread({ target: counter, method: "add", args: [3] }))
    return { inside, after: counter.count }
  },
  subclass: async () => {
    const summer = new Summer([1, 2, 3, 4])
    const value = await run(summer)
    return { value, total: summer.total }
  },
  lock: async () => {
    const lock = new Lock()
    const counter = new Int32Array(new SharedArrayBuffer(8))
    const threads = [new Thread({ target: bump, args: [lock, counter, 500] }), new Thread({ target: bump, args: [lock, counter, 500] })]
    for (const t of threads) t.start()
    const done = await Promise.all(threads.map((t) => t.join()))
    return { done, counter: Atomics.load(counter, 0), locked: lock.locked() }
  },
  pool: async () => {
    const pool = new ThreadPool({ maxWorkers: 2 })
    try {
      const values = []
      for await (const value of pool.map(fib, [10, 15, 20])) values.push(value)
      return values
    } finally {
      await pool.shutdown({ wait: true })
    }
  },
  error: async () => {
    try {
      await run(new Thread({ target: fail, args: ["E_TASK"] }))
      return "no error"
    } catch (error) {
      return { registered: error instanceof TaskError, name: error.name, code: error.code, message: error.message }
    }
  },
}

/** What every scenario must return. */
export const expected = {
  functional: 6765,
  instance: { inside: 8, after: 8 },
  subclass: { value: 10, total: 10 },
  lock: { done: [500, 500], counter: 1000, locked: false },
  pool: [55, 610, 6765],
  error: { registered: true, name: "TaskError", code: "E_TASK", message: "task failed with E_TASK" },
}

export async function runScenarios(extra = {}) {
  const results = {}
  for (const [name, body] of Object.entries({ ...scenarios, ...extra })) results[name] = await outcome(body)
  return results
}
