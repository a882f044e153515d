// Functional style: a registered function that a ThreadPool maps over the tiles. It returns
// the tile's own pixels, so it needs no shared memory at all (and works on a page that is not
// cross-origin isolated). This module holds tasks only: every worker that runs one imports it.
import { currentThread, threadable } from "weftjs"
import { drawTile, type Scene, type Tile } from "./mandelbrot.js"

export interface TileJob {
  readonly scene: Scene
  readonly tile: Tile
}

export interface TileResult {
  readonly index: number
  readonly pixels: Uint8ClampedArray
  readonly iterations: number
  /** The worker that drew it, for the per-thread counts and the tint. */
  readonly ident: number | null
}

// An explicit key: bundlers minify function names, and the key must be the same in every thread.
export const renderTile = threadable(
  import.meta.url,
  function renderTile({ scene, tile }: TileJob): TileResult {
    const pixels = new Uint8ClampedArray(tile.width * tile.height * 4)
    const iterations = drawTile(scene, tile, pixels, tile.width, tile.x, tile.y)
    return { index: tile.index, pixels, iterations, ident: currentThread().ident }
  },
  { name: "demo.renderTile" },
)
