import { ThreadPool } from "@weft/node"
import { exitAt } from "./tasks.mjs"
const pool = new ThreadPool({ maxWorkers: 1 })
const fs = Array.from({ length: 100 }, (_, i) => pool.submit(exitAt, i, 50))
const r = await Promise.allSettled(fs)
console.log("rejected:", r.map((x, i) => x.status === "rejected" ? i : -1).filter((i) => i >= 0), r[50].reason?.name, r[50].reason?.exitCode)
await pool.shutdown()
