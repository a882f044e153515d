import type { Endpoint } from "../runtime.js"

const POLL_MS = 0.1
const POLL_TRIES = 16
/** After this many polls in a row that found nothing, a worker polls once every 2^this idles. */
const MAX_POLL_BACKOFF = 6

/**
 * How a pool worker reads its parent port between tasks, where the port can be read synchronously
 * (Node; elsewhere every method finds nothing and the worker's event loop delivers the messages).
 *
 * After sending its results, the worker polls the port for up to POLL_MS before it goes back to its
 * event loop: the pool usually answers a result with the next task within tens of µs, and taking it
 * here saves the worker's wake-up (a no-op round trip: median 39 -> 28 µs). Only pool messages
 * reach a pool worker, so each goes straight to the pool's handler.
 *
 * A poll that runs out spent POLL_MS of CPU for nothing: where tasks come seldom (a server fed by a
 * job queue) or the pool's thread shares this worker's core, that CPU is taken from the work. So
 * after a miss the worker only glances at the port for its next 1, 3, 7, ... 63 idles (doubling
 * with each further miss) and polls again after them; one poll that finds a task restores it.
 *
 * A process that may run on one CPU only (a container of one CPU, `taskset -c 0`) never polls:
 * the pool's thread, which must run to answer, shares that CPU, so a poll only delays the answer.
 */
export class PortPoll {
  #misses = 0
  #toSkip = 0
  #spins: boolean | undefined

  /** `cpus`: how many CPUs this process may run on, asked at the first poll. */
  constructor(
    private readonly handle: (message: unknown) => void,
    private readonly hasTask: () => boolean,
    private readonly cpus: () => number = () => 2,
  ) {}

  /**
   * Takes every message already waiting on the port. Taking one batch at a time let the batches
   * fragment: the pool tops a worker up as results arrive, so a worker that ran one task per
   * message flushed one result per task and was topped up with one task per message.
   */
  takeWaiting(port: Endpoint): void {
    const receiveNow = port.receiveNow
    if (receiveNow === undefined) return
    for (let received = receiveNow.call(port); received !== undefined; received = receiveNow.call(port)) this.handle(received.message)
  }

  /** takeWaiting(), then whether a task is queued. */
  takeWaitingTask(port: Endpoint): boolean {
    this.takeWaiting(port)
    return this.hasTask()
  }

  /** Polls the port for a task (see the class); true once one is queued. */
  poll(port: Endpoint): boolean {
    const receiveNow = port.receiveNow
    if (receiveNow === undefined) return false
    this.#spins ??= this.cpus() > 1
    if (!this.#spins) return this.takeWaitingTask(port)
    if (this.#toSkip > 0) {
      this.#toSkip--
      return this.takeWaitingTask(port)
    }
    const until = performance.now() + POLL_MS
    // The clock is read every POLL_TRIES tries: each reading allocates (a boxed number), and reading
    // it on every try made most of a worker's garbage (1.6 of 2.5 KB per one-at-a-time task),
    // which grew its young generation, and the process's RSS, by about 2 MiB within ~660 tasks.
    for (let tries = 1; ; tries++) {
      const received = receiveNow.call(port)
      if (received !== undefined) {
        this.handle(received.message)
        if (this.takeWaitingTask(port)) {
          this.#misses = 0
          return true
        }
      }
      if (tries % POLL_TRIES === 0 && performance.now() >= until) {
        this.#misses = Math.min(this.#misses + 1, MAX_POLL_BACKOFF)
        this.#toSkip = (1 << this.#misses) - 1
        return false
      }
    }
  }
}
