// Streaming: a registered generator that a ThreadPool runs, yielding each tile as soon as it is
// drawn. The caller iterates `pool.stream(renderTiles, ...)` and paints tiles as they arrive,
// while the worker draws the next ones (at most the stream's highWaterMark ahead). Like
// renderTile it returns each tile's own pixels, so it needs no shared memory; `transfer` moves
// them rather than copying. Tasks only: every worker that runs one imports this module.
import { currentThread, threadable, transfer } from "weftjs"
import { drawTile, tileAt, type Scene } from "./mandelbrot.js"
import type { TileResult } from "./tile-task.js"

// An explicit key: bundlers minify function names, and the key must be the same in every thread.
export const renderTiles = threadable(
  import.meta.url,
  function* renderTiles(scene: Scene, tileSize: number, indices: readonly number[]): Generator<TileResult, number> {
    const ident = currentThread().ident
    for (const index of indices) {
      const tile = tileAt(scene, tileSize, index)
      const pixels = new Uint8ClampedArray(tile.width * tile.height * 4)
      const iterations = drawTile(scene, tile, pixels, tile.width, tile.x, tile.y)
      yield transfer({ index, pixels, iterations, ident }, [pixels.buffer])
    }
    return indices.length
  },
  { name: "demo.renderTiles" },
)
