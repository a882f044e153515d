// One render, five ways: on the calling thread (the reference), in threads in each of Python's
// three styles, and streamed from generators on a pool (tiles arrive as they are drawn). Every
// way produces the same pixels; `checksum` proves it. Imported by the CLI (Node, Deno), the
// browser page and the tests alike.
import { Lock, Queue, Thread, ThreadPool } from "weftjs"
import { checksum, renderSerial, tileGrid, type Scene, type Tile } from "./mandelbrot.js"
import { RenderThread, Stats } from "./render-thread.js"
import { renderTile } from "./tile-task.js"
import { renderTiles } from "./tile-stream.js"
import { TileRenderer } from "./tile-renderer.js"

export type Style = "serial" | "pool" | "stream" | "bands" | "queue"

export const STYLES: Readonly<Record<Style, string>> = {
  serial: "serial, no threads",
  pool: "ThreadPool.map(renderTile)",
  stream: "ThreadPool.stream(renderTiles)",
  bands: "Thread(target=TileRenderer.renderBand)",
  queue: "RenderThread subclasses + Queue + Lock",
}

export interface Progress {
  readonly tilesDone: number
  readonly tilesTotal: number
  /** Tiles drawn by each thread so far. */
  readonly perThread: readonly number[]
  /** The image as drawn so far (RGBA) and each tile's thread (-1: not yet), for a live view. */
  readonly image: Uint8ClampedArray
  readonly owners: Int8Array
}

export interface RenderOptions {
  readonly scene: Scene
  readonly style: Style
  /** Threads (pool workers) to use; ignored by "serial". */
  readonly threads?: number
  readonly tileSize?: number
  /** "pool" only: tiles per pool task (`map`'s chunksize); batching amortises the hand-off. */
  readonly chunksize?: number
  /** "pool" and "stream" only: a running pool to use (and leave running) instead of starting one. */
  readonly pool?: ThreadPool
  /** Called as tiles complete (for "queue": polled from the shared statistics). */
  readonly onProgress?: (progress: Progress) => void
  /** "stream" only: called with each tile's own pixels the moment it arrives, before onProgress. */
  readonly onTile?: (tile: Tile, pixels: Uint8ClampedArray, thread: number) => void
}

export interface RenderResult {
  readonly style: Style
  readonly threads: number
  readonly tileSize: number
  readonly tiles: readonly Tile[]
  /** RGBA, `scene.width * scene.height * 4` bytes. */
  readonly pixels: Uint8ClampedArray
  /** For each tile, the index of the thread that drew it (for tinting). */
  readonly owners: Int8Array
  readonly perThread: readonly number[]
  readonly iterations: number
  /** Wall time of the whole render, thread start-up and shut-down included. */
  readonly ms: number
  readonly checksum: string
}

export async function render(options: RenderOptions): Promise<RenderResult> {
  const { scene, style, onProgress } = options
  if (!Object.hasOwn(renderers, style))
    throw new TypeError(`style must be one of ${Object.keys(renderers).join(", ")}, got ${String(style)}`)
  const tileSize = options.tileSize ?? 32
  const threads = style === "serial" ? 1 : (options.threads ?? 2)
  if (!Number.isInteger(threads) || threads < 1 || threads > 127)
    throw new RangeError(`threads must be an integer from 1 to 127, got ${threads}`)
  const tiles = tileGrid(scene, tileSize)
  const started = performance.now()
  const drawn = await renderers[style]({
    scene,
    tiles,
    tileSize,
    threads,
    chunksize: options.chunksize ?? 1,
    pool: options.pool,
    onProgress,
    onTile: options.onTile,
  })
  const ms = performance.now() - started
  return { style, threads, tileSize, tiles, ...drawn, ms, checksum: checksum(drawn.pixels) }
}

interface Job {
  readonly scene: Scene
  readonly tiles: readonly Tile[]
  readonly tileSize: number
  readonly threads: number
  readonly chunksize: number
  readonly pool?: ThreadPool
  readonly onProgress?: (progress: Progress) => void
  readonly onTile?: (tile: Tile, pixels: Uint8ClampedArray, thread: number) => void
}

/** Runs `step` every 50 ms until `until` settles, without delaying anyone once it has. */
async function poll(step: () => Promise<void>, until: Promise<void>): Promise<void> {
  let over = false
  void until.then(() => (over = true))
  while (!over) {
    await step()
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([until, new Promise((resolve) => (timer = setTimeout(resolve, 50)))])
    clearTimeout(timer)
  }
}

type Drawn = Pick<RenderResult, "pixels" | "owners" | "perThread" | "iterations">

const renderers: Record<Style, (job: Job) => Promise<Drawn>> = { serial, pool, stream, bands, queue }

async function serial({ scene, tiles, tileSize, onProgress }: Job): Promise<Drawn> {
  const { pixels, iterations } = renderSerial(scene, tileSize)
  const owners = new Int8Array(tiles.length)
  onProgress?.({ tilesDone: tiles.length, tilesTotal: tiles.length, perThread: [tiles.length], image: pixels, owners })
  return { pixels, owners, perThread: [tiles.length], iterations }
}

/** Copies a block of rows `width` pixels wide into the image at (x, y). */
function blit(image: Uint8ClampedArray, imageWidth: number, block: Uint8ClampedArray, x: number, y: number, width: number): void {
  const rowBytes = width * 4
  for (let row = 0; row < block.length / rowBytes; row++) {
    image.set(block.subarray(row * rowBytes, (row + 1) * rowBytes), ((y + row) * imageWidth + x) * 4)
  }
}

/** Functional style: a pool maps the registered tile function; results arrive in input order. */
async function pool({ scene, tiles, threads, chunksize, pool: given, onProgress }: Job): Promise<Drawn> {
  const image = new Uint8ClampedArray(scene.width * scene.height * 4)
  const owners = new Int8Array(tiles.length).fill(-1)
  const perThread: number[] = Array.from({ length: threads }, () => 0)
  const slots = new Map<number | null, number>()
  let iterations = 0
  let done = 0
  const executor = given ?? new ThreadPool({ maxWorkers: threads })
  // All tiles in flight at once (as Python's Executor.map submits them): map's default window of
  // a few tasks would leave a worker idle behind a costly tile that is next in order.
  const jobs = tiles.map((tile) => ({ scene, tile }))
  try {
    for await (const result of executor.map(renderTile, jobs, { chunksize, maxInFlight: jobs.length })) {
      const tile = tiles[result.index]
      blit(image, scene.width, result.pixels, tile.x, tile.y, tile.width)
      let slot = slots.get(result.ident)
      if (slot === undefined) slots.set(result.ident, (slot = slots.size))
      owners[tile.index] = slot
      perThread[slot] = (perThread[slot] ?? 0) + 1
      iterations += result.iterations
      onProgress?.({ tilesDone: ++done, tilesTotal: tiles.length, perThread, image, owners })
    }
  } finally {
    if (given === undefined) await executor.shutdown({ wait: true })
  }
  return { pixels: image, owners, perThread, iterations }
}

/**
 * Streaming: one generator per thread, each drawing every `threads`-th tile (interleaved, so the
 * costly middle is shared) and yielding each tile as it is drawn. The streams are consumed side
 * by side; a tile is blitted (and handed to onTile) the moment it arrives.
 */
async function stream({ scene, tiles, tileSize, threads, pool: given, onProgress, onTile }: Job): Promise<Drawn> {
  const image = new Uint8ClampedArray(scene.width * scene.height * 4)
  const owners = new Int8Array(tiles.length).fill(-1)
  const perThread: number[] = Array.from({ length: threads }, () => 0)
  let iterations = 0
  let done = 0
  const executor = given ?? new ThreadPool({ maxWorkers: threads })
  const shares = Array.from({ length: Math.min(threads, tiles.length) }, (_, k) =>
    tiles.filter((tile) => tile.index % threads === k).map((tile) => tile.index),
  )
  const consume = async (indices: readonly number[], slot: number): Promise<void> => {
    for await (const result of executor.stream(renderTiles, scene, tileSize, indices)) {
      const tile = tiles[result.index]
      blit(image, scene.width, result.pixels, tile.x, tile.y, tile.width)
      owners[tile.index] = slot
      perThread[slot]++
      iterations += result.iterations
      onTile?.(tile, result.pixels, slot)
      onProgress?.({ tilesDone: ++done, tilesTotal: tiles.length, perThread, image, owners })
    }
  }
  try {
    await Promise.all(shares.map(consume))
  } finally {
    if (given === undefined) await executor.shutdown({ wait: true, cancelFutures: true })
  }
  return { pixels: image, owners, perThread, iterations }
}

/** Instance style: one TileRenderer per thread, each given a fixed band of tile rows. */
async function bands({ scene, tiles, threads, onProgress }: Job): Promise<Drawn> {
  const image = new Uint8ClampedArray(scene.width * scene.height * 4)
  const owners = new Int8Array(tiles.length).fill(-1)
  const rows = [...new Set(tiles.map((t) => t.y))]
  const workers = Array.from({ length: Math.min(threads, rows.length) }, (_, k) => {
    const bandRows = new Set(rows.slice(Math.floor((k * rows.length) / threads), Math.floor(((k + 1) * rows.length) / threads)))
    const renderer = new TileRenderer(
      scene,
      tiles.filter((t) => bandRows.has(t.y)),
    )
    const thread = new Thread<ReturnType<TileRenderer["renderBand"]>>({ target: renderer, method: "renderBand", name: `band-${k + 1}` })
    return { renderer, thread }
  })
  for (const { thread } of workers) thread.start()
  const perThread = workers.map(() => 0)
  let iterations = 0
  let done = 0
  for (const [k, { renderer, thread }] of workers.entries()) {
    const { top, pixels } = await thread.join()
    blit(image, scene.width, pixels, 0, top, scene.width)
    for (const tile of renderer.tiles) owners[tile.index] = k
    // The thread's copy counted its work; its fields were written back onto `renderer`.
    perThread[k] = renderer.tilesDone
    iterations += renderer.iterations
    done += renderer.tilesDone
    onProgress?.({ tilesDone: done, tilesTotal: tiles.length, perThread, image, owners })
  }
  return { pixels: image, owners, perThread, iterations }
}

/** Subclass style: RenderThreads drain a shared Queue into a shared image. */
async function queue({ scene, tiles, tileSize, threads, onProgress }: Job): Promise<Drawn> {
  const image = new Uint8ClampedArray(new SharedArrayBuffer(scene.width * scene.height * 4))
  const owners = new Int8Array(new SharedArrayBuffer(tiles.length)).fill(-1)
  const stats = new Float64Array(new SharedArrayBuffer((Stats.perThread + threads) * 8))
  const lock = new Lock()
  const work = new Queue<number>()
  const workers = Array.from({ length: threads }, (_, slot) => new RenderThread(slot, scene, tileSize, work, image, owners, stats, lock))
  for (const thread of workers) thread.start()
  // Producer: the threads are already waiting in getSync(); shutdown() lets them drain the
  // queue and then stop (Python 3.13's Queue.shutdown).
  for (const tile of tiles) await work.put(tile.index)
  work.shutdown()

  const snapshot = async (): Promise<Progress> => {
    await lock.acquire() // the async face: the page's main thread may not block
    try {
      return {
        tilesDone: stats[Stats.tilesDone],
        tilesTotal: tiles.length,
        perThread: Array.from(stats.subarray(Stats.perThread)),
        image,
        owners,
      }
    } finally {
      lock.release()
    }
  }
  // Progress comes from the shared statistics, polled while the threads work (only if asked for).
  let finished!: () => void
  const allJoined = new Promise<void>((resolve) => (finished = resolve))
  const poller = onProgress ? poll(async () => onProgress?.(await snapshot()), allJoined) : Promise.resolve()
  try {
    await Promise.all(workers.map((t) => t.join()))
  } finally {
    finished()
    await poller
  }
  if (onProgress) onProgress(await snapshot())
  return { pixels: image, owners, perThread: workers.map((t) => t.tilesDone), iterations: stats[Stats.iterations] }
}
