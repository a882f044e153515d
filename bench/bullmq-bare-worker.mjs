// The baseline server: BullMQ used directly, a bare Worker whose processor does the same no-op.
import { Worker } from "bullmq"
import { Redis } from "ioredis"

const [port, queue, concurrency] = process.argv.slice(2)
const worker = new Worker(queue, async (job) => job.data, {
  connection: new Redis({ host: "127.0.0.1", port: Number(port), maxRetriesPerRequest: null }),
  concurrency: Number(concurrency),
})
worker.on("error", () => {})
await worker.waitUntilReady()
console.log("bare worker serving")
process.on("SIGTERM", () => worker.close(true).then(() => process.exit(0)))
