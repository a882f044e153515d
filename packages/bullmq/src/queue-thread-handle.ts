import type { Worker as NodeWorker } from "node:worker_threads"
import { RuntimeError } from "@weft/node"
import type { InlineSlot } from "./inline-slot.js"
import type { TaskJobData } from "./job-data.js"
import type { FromQueueThread, ToQueueThread } from "./queue-thread-messages.js"

/** serve()'s handle on its queue thread (queue-thread.ts). */
export class QueueThread {
  alive = true
  /** It took jobs (a thread that could not start is not started again). */
  served = false
  onRun: (n: number, id: string, token: string, data: TaskJobData) => void = () => {}
  onExit: (exitCode: number, error: unknown) => void = () => {}
  readonly ready: Promise<void>
  readonly #worker: NodeWorker
  readonly #exited: Promise<void>
  #closed: (() => void) | undefined

  constructor(
    worker: NodeWorker,
    readonly slot: InlineSlot,
  ) {
    this.#worker = worker
    let error: unknown
    let started: { resolve: () => void; reject: (error: unknown) => void }
    this.ready = new Promise((resolve, reject) => (started = { resolve, reject }))
    this.ready.catch(() => {})
    worker.on("message", (message: FromQueueThread) => {
      if (message.t === "run") this.onRun(message.n, message.id, message.token, message.data)
      else if (message.t === "ready") {
        this.served = true
        started.resolve()
      } else if (message.t === "closed") this.#closed?.()
      else {
        started.reject(new RuntimeError(`the queue thread could not start: ${message.message}`))
        void worker.terminate()
      }
    })
    worker.on("error", (thrown) => (error = thrown))
    this.#exited = new Promise((resolve) =>
      worker.once("exit", (exitCode) => {
        this.alive = false
        started.reject(new RuntimeError(`the queue thread ended (exit code ${exitCode}) before it served`, { cause: error }))
        this.#closed?.()
        this.onExit(exitCode, error)
        resolve()
      }),
    )
  }

  post(message: ToQueueThread): void {
    this.#worker.postMessage(message)
  }

  /** Its Worker stops taking jobs; resolves once the jobs it holds are done (or the thread ended). */
  close(): Promise<void> {
    if (!this.served) return this.terminate()
    if (!this.alive) return Promise.resolve()
    const closed = new Promise<void>((resolve) => (this.#closed = resolve))
    this.post({ t: "close" })
    return closed
  }

  async terminate(): Promise<void> {
    if (this.alive) await this.#worker.terminate()
    await this.#exited
  }
}
