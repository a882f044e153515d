import { ThreadPool } from "@weft/node"
import { spin, echo } from "./tasks.mjs"
const pool = new ThreadPool({ maxWorkers: 2, graceMs: 20 })
let seed = Number(process.argv[2] ?? 1)
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
const N = 20000, fs = [], aborted = new Set()
for (let i = 0; i < N; i++) {
  const ac = new AbortController()
  const long = rnd() < 0.02
  const f = rnd() < 0.05 ? pool.run(spin, { args: [long ? 3 : 0], timeout: 1 }) : pool.run(long ? spin : echo, { args: [long ? 3 : i], signal: ac.signal })
  fs.push(f)
  if (rnd() < 0.33) { aborted.add(i); const d = rnd() * 200; setTimeout(() => ac.abort(new Error("stop")), d) }
}
const r = await Promise.allSettled(fs)
let innocent = 0, names = {}
r.forEach((x, i) => { if (x.status === "rejected") { names[x.reason?.name] = (names[x.reason?.name] ?? 0) + 1; if (!aborted.has(i) && x.reason?.name !== "TimeoutError") innocent++ } })
console.log(JSON.stringify({ innocent, names, stats: pool.stats().completed }))
await pool.shutdown()
