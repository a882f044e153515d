// Runs in Chromium: weft against raw postMessage to a Web Worker, on the same page, same run.
// web.bench.mjs calls runBench() and prints the ratios.
import * as weft from "@weft/web"
import { echo } from "./tasks.js"

const { configureWeb, Thread } = weft
configureWeb({ createWorker: () => new Worker(new URL("./weft-worker.js", import.meta.url), { type: "module" }) })

const rawWorker = () => new Worker(new URL("./raw-worker.js", import.meta.url), { type: "module" })
// The answer is read, as a pool task's result is: Chromium deserializes a message's data only
// when it is read, so a trip that never reads it skips half of the copying.
const reply = (worker) => new Promise((resolve) => worker.addEventListener("message", (event) => resolve(event.data), { once: true }))

async function rawThreadTrip() {
  const t0 = performance.now()
  const worker = rawWorker()
  const answered = reply(worker)
  worker.postMessage({ value: 42 })
  await answered
  worker.terminate()
  return performance.now() - t0
}

async function weftThreadTrip(cold = false) {
  const t0 = performance.now()
  // Per-runtime options always get a fresh worker: the cold path, without the spare.
  const thread = new Thread({ target: echo, args: [{ value: 42 }], ...(cold ? { web: {} } : {}) })
  thread.start()
  await thread.join()
  return performance.now() - t0
}

// A cross-origin-isolated page's clock ticks in 5 µs steps, so one trip is timed to ±5 µs and a
// median of single trips moves in 5 µs steps (60 → 65 µs is 8%). A sample is the mean of TRIPS
// trips in a row instead.
const TRIPS = 10

/** One message at a time to a live worker: the latency floor of a pool task. */
async function rawMessageTrip(worker) {
  const t0 = performance.now()
  for (let i = 0; i < TRIPS; i++) {
    const answered = reply(worker)
    worker.postMessage(1)
    await answered
  }
  return (performance.now() - t0) / TRIPS
}

async function poolTaskTrip(pool) {
  const t0 = performance.now()
  for (let i = 0; i < TRIPS; i++) await pool.submit(echo, 1)
  return (performance.now() - t0) / TRIPS
}

/** `tasks` tiny messages spread over `workers` live workers, all in flight at once: ms per task. */
async function rawBurst(workers, tasks) {
  const t0 = performance.now()
  await Promise.all(
    workers.map((worker, w) => {
      const share = Math.floor(tasks / workers.length) + (w < tasks % workers.length ? 1 : 0)
      return new Promise((resolve) => {
        let seen = 0
        const onMessage = () => {
          if (++seen === share) worker.removeEventListener("message", onMessage), resolve()
        }
        worker.addEventListener("message", onMessage)
        for (let i = 0; i < share; i++) worker.postMessage(i)
      })
    }),
  )
  return (performance.now() - t0) / tasks
}

async function poolBurst(pool, tasks) {
  const t0 = performance.now()
  await Promise.all(Array.from({ length: tasks }, (_, i) => pool.submit(echo, i)))
  return (performance.now() - t0) / tasks
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 150))

async function samples(rounds, fn) {
  const out = []
  for (let i = 0; i < rounds; i++) out.push(await fn())
  return out
}

globalThis.runBench = async ({ rounds, tasks, workers }) => {
  const result = { isolated: crossOriginIsolated, hasPool: typeof weft.ThreadPool === "function", raw: {}, weft: {} }
  // Warm-up (module caches, JIT), then interleaved measurement.
  await samples(5, rawThreadTrip)
  await samples(5, weftThreadTrip)
  result.raw.thread = []
  result.weft.thread = []
  result.weft.cold = []
  for (let i = 0; i < rounds; i++) {
    // The spare worker that replaces a taken one boots in the background, and workers are torn
    // down after they answer: let both settle so no measurement pays for the previous one.
    result.raw.thread.push(await rawThreadTrip())
    await settle()
    result.weft.cold.push(await weftThreadTrip(true))
    await settle()
    result.weft.thread.push(await weftThreadTrip())
    await settle()
  }
  if (!result.hasPool) return result

  const raws = Array.from({ length: workers }, rawWorker)
  const pool = new weft.ThreadPool({ maxWorkers: workers })
  try {
    await samples(10, () => rawMessageTrip(raws[0]))
    await samples(10, () => poolTaskTrip(pool))
    result.raw.message = []
    result.weft.task = []
    for (let i = 0; i < rounds * 5; i++) {
      result.raw.message.push(await rawMessageTrip(raws[0]))
      result.weft.task.push(await poolTaskTrip(pool))
    }
    await rawBurst(raws, tasks)
    await poolBurst(pool, tasks)
    result.raw.burst = []
    result.weft.burst = []
    for (let i = 0; i < 5; i++) {
      result.raw.burst.push(await rawBurst(raws, tasks))
      result.weft.burst.push(await poolBurst(pool, tasks))
    }
  } finally {
    for (const worker of raws) worker.terminate()
    await pool.shutdown({ wait: true })
  }
  return result
}
document.title = "ready"
