// The README's example: one program, written against Executor, run on a local ThreadPool and
// on a ClusterPool whose servers run `weft-serve --queue primes --module examples/tasks.mjs`.
//   node examples/primes.mjs            (ThreadPool only)
//   node examples/primes.mjs 6379       (then the same on the cluster behind that Redis port)
import { asCompleted, ThreadPool } from "@weft/node"
import { ClusterPool } from "@weft/bullmq"
import { countPrimes } from "./tasks.mjs"

/** @param {import("@weft/node").Executor} executor */
export async function report(executor) {
  const lines = []
  const futures = [20_000, 40_000, 60_000].map((limit) => executor.submit(countPrimes, limit))
  for await (const done of asCompleted(futures)) lines.push(`done: ${await done.result()}`)
  for await (const count of executor.map(countPrimes, [10, 100, 1000])) lines.push(`in order: ${count}`)
  return lines
}

async function main() {
  const local = new ThreadPool()
  try {
    console.log("ThreadPool:", (await report(local)).sort())
  } finally {
    await local.shutdown()
  }
  const port = process.argv[2]
  if (port === undefined) return
  const cluster = new ClusterPool({ connection: { host: "127.0.0.1", port: Number(port) }, queue: "primes" })
  try {
    console.log("ClusterPool:", (await report(cluster)).sort())
  } finally {
    await cluster.shutdown()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
