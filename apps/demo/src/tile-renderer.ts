// Instance style: a plain object whose method runs in a thread. Each thread gets a copy of a
// TileRenderer, renders one horizontal band of tiles, and its fields (the work it counted) are
// written back onto the caller's object when the thread ends, as Python's threading does.
import { threadable } from "weftjs"
import { drawTile, type Scene, type Tile } from "./mandelbrot.js"

export class TileRenderer {
  tilesDone = 0
  iterations = 0

  constructor(
    readonly scene: Scene,
    readonly tiles: readonly Tile[],
  ) {}

  /** Renders the band's tiles and returns the band's pixels (rows `top` to `top + height`). */
  renderBand(): { top: number; pixels: Uint8ClampedArray } {
    const top = Math.min(...this.tiles.map((t) => t.y))
    const bottom = Math.max(...this.tiles.map((t) => t.y + t.height))
    const pixels = new Uint8ClampedArray(this.scene.width * (bottom - top) * 4)
    for (const tile of this.tiles) {
      this.iterations += drawTile(this.scene, tile, pixels, this.scene.width, 0, top)
      this.tilesDone++
    }
    return { top, pixels }
  }
}
threadable(import.meta.url, TileRenderer, { name: "demo.TileRenderer" })
