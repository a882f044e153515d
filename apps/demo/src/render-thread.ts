// Subclass style: a Thread whose run() pulls tile indices from a shared Queue until it is shut
// down, draws straight into the shared image, and counts its work in shared statistics under a
// Lock. Fast threads take more tiles, so the load balances itself.
import { QueueShutDown, Thread, threadable, type Lock, type Queue } from "weftjs"
import { drawTile, tileAt, type Scene } from "./mandelbrot.js"

/** Shared statistics, a Float64Array over shared memory, updated only under the stats Lock. */
export const Stats = {
  tilesDone: 0,
  iterations: 1,
  /** Then one slot per thread: the tiles it drew. */
  perThread: 2,
} as const

export class RenderThread extends Thread<number> {
  tilesDone = 0

  constructor(
    readonly slot: number,
    readonly scene: Scene,
    readonly tileSize: number,
    readonly queue: Queue<number>,
    /** The whole image, RGBA over a SharedArrayBuffer: every thread draws into the same memory. */
    readonly image: Uint8ClampedArray,
    /** For each tile, the slot of the thread that drew it (the tint). */
    readonly owners: Int8Array,
    readonly stats: Float64Array,
    readonly lock: Lock,
  ) {
    super({ name: `render-${slot + 1}` })
  }

  override run(): number {
    for (;;) {
      let index: number
      try {
        index = this.queue.getSync()
      } catch (error) {
        if (error instanceof QueueShutDown) return this.tilesDone // drained: the render is done
        throw error
      }
      const spent = drawTile(this.scene, tileAt(this.scene, this.tileSize, index), this.image, this.scene.width)
      this.owners[index] = this.slot
      this.tilesDone++
      // Read-modify-write of shared counters: without the lock, two threads lose updates.
      this.lock.acquireSync()
      try {
        this.stats[Stats.tilesDone] += 1
        this.stats[Stats.iterations] += spent
        this.stats[Stats.perThread + this.slot] += 1
      } finally {
        this.lock.release()
      }
    }
  }
}
threadable(import.meta.url, RenderThread, { name: "demo.RenderThread" })
