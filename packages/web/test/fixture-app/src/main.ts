import { configureWeb, Lock, Thread, ThreadPool, ThreadTargetError } from "@weft/web"
import { BumpThread, Bumper, bumpFunction, Counter, fib, forever, Summer } from "./tasks"

type Outcome = { ok: true; value: unknown } | { ok: false; error: string; name: string; isTargetError: boolean }
const results: Record<string, Outcome> = {}

async function scenario(name: string, body: () => Promise<unknown>): Promise<void> {
  try {
    results[name] = { ok: true, value: await body() }
  } catch (error) {
    const e = error as Error
    results[name] = { ok: false, error: String(e?.message ?? e), name: String(e?.name), isTargetError: error instanceof ThreadTargetError }
  }
}

async function run<R>(thread: Thread<R>): Promise<R> {
  thread.start()
  return thread.join()
}

const appWorker = () => new Worker(new URL("./weft-worker.ts", import.meta.url), { type: "module" })

// weft's built-in worker entry, emitted by the bundler from the adapter's literal. This page's CSP
// forbids eval, so an inline target must fail with ThreadTargetError (and not hang).
await scenario("inline under CSP", () => run(new Thread({ target: (a: number, b: number) => a + b, args: [1, 2] })))

// One thread on the app's worker entry through the per-thread option, then the adapter-wide one.
await scenario("functional", () => run(new Thread({ target: fib, args: [20], web: { createWorker: appWorker } })))
configureWeb({ createWorker: appWorker })
await scenario("instance", async () => {
  const counter = new Counter(5)
  const t = new Thread<{ count: number; ident: number | null }>({ target: counter, method: "add", args: [3] })
  const inside = await run(t)
  return { inside, after: counter.count, sameIdent: inside.ident === t.ident }
})
await scenario("subclass", async () => {
  const summer = new Summer([1, 2, 3, 4])
  const value = await run(summer)
  return { value, total: summer.total }
})
await scenario("isolated", async () => crossOriginIsolated)
await scenario("lock shared by three styles", async () => {
  const lock = new Lock()
  const counter = new Int32Array(new SharedArrayBuffer(4))
  const times = 2000
  // The page holds the lock while the threads start, so all three contend for it.
  await lock.acquire()
  const threads = [
    new Thread<number>({ target: bumpFunction, args: [lock, counter, times] }),
    new Thread<number>({ target: new Bumper(lock, counter), method: "bump", args: [times] }),
    new BumpThread(lock, counter, times),
  ]
  for (const t of threads) t.start()
  const heldByPage = Atomics.load(counter, 0)
  lock.release()
  const done = await Promise.all(threads.map((t) => t.join()))
  return { done, heldByPage, counter: Atomics.load(counter, 0), locked: lock.locked() }
})
await scenario("pool", async () => {
  const pool = new ThreadPool({ maxWorkers: 2 })
  try {
    const results: number[] = []
    for await (const value of pool.map(fib, [10, 15, 20])) results.push(value)
    return results
  } finally {
    await pool.shutdown({ wait: true })
  }
})

Object.assign(globalThis, {
  weftResults: results,
  // For the page-close test: starts threads that never end and returns how many.
  startForever: (n: number) => {
    for (let i = 0; i < n; i++) new Thread({ target: forever }).start()
    return n
  },
})
document.getElementById("out")!.textContent = JSON.stringify(results, null, 2)
document.title = "done"
