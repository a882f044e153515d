// The workload, written once and shared by every style and runtime: a Mandelbrot image cut into
// tiles. Plain arithmetic, no weft and no host APIs, so the main thread, a Node/Deno worker and
// a Web Worker compute bit-identical pixels, and a checksum proves a threaded render right.

/** What to draw: the view of the complex plane and the image size. */
export interface Scene {
  readonly width: number
  readonly height: number
  readonly centerX: number
  readonly centerY: number
  /** Width of the view in the complex plane; the height follows from the aspect ratio. */
  readonly span: number
  readonly maxIterations: number
}

/** A rectangle of the image; `index` is its position in `tileGrid`'s row-major order. */
export interface Tile {
  readonly index: number
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/** The classic view: the interior (the costly, black part) sits in the middle, so cost is uneven. */
export function defaultScene(width = 960, height = 640, maxIterations = 1000): Scene {
  return { width, height, centerX: -0.65, centerY: 0, span: 3.2, maxIterations }
}

export function tileGrid(scene: Scene, tileSize: number): Tile[] {
  if (!Number.isInteger(tileSize) || tileSize < 1) throw new RangeError(`tileSize must be a positive integer, got ${tileSize}`)
  const tiles: Tile[] = []
  for (let y = 0; y < scene.height; y += tileSize) {
    for (let x = 0; x < scene.width; x += tileSize) {
      tiles.push({ index: tiles.length, x, y, width: Math.min(tileSize, scene.width - x), height: Math.min(tileSize, scene.height - y) })
    }
  }
  return tiles
}

/** The tile with this index, computed rather than looked up (a thread gets indices from a queue). */
export function tileAt(scene: Scene, tileSize: number, index: number): Tile {
  const columns = Math.ceil(scene.width / tileSize)
  const x = (index % columns) * tileSize
  const y = Math.floor(index / columns) * tileSize
  return { index, x, y, width: Math.min(tileSize, scene.width - x), height: Math.min(tileSize, scene.height - y) }
}

// An integer palette (linear blends between fixed stops): no Math.log or Math.sin, whose last
// bit could differ between engines, so Node, Deno, Bun and Chromium agree on every byte.
const STOPS = [
  [0, 7, 100],
  [32, 107, 203],
  [237, 255, 255],
  [255, 170, 0],
  [0, 2, 0],
] as const
const PALETTE_SIZE = 256
const palette = new Uint8Array(PALETTE_SIZE * 3)
for (let i = 0; i < PALETTE_SIZE; i++) {
  const segment = Math.floor((i * (STOPS.length - 1)) / PALETTE_SIZE)
  const within = i * (STOPS.length - 1) - segment * PALETTE_SIZE
  for (let c = 0; c < 3; c++) {
    const from = STOPS[segment][c]
    const to = STOPS[segment + 1][c]
    palette[i * 3 + c] = from + Math.trunc(((to - from) * within) / PALETTE_SIZE)
  }
}

/**
 * Renders `tile` as RGBA into `out`, an image `outWidth` pixels wide whose top-left corner is
 * the scene's pixel (`originX`, `originY`): the whole image (origin 0, 0) or a tile-sized buffer
 * (origin tile.x, tile.y). Returns the iterations spent, the tile's cost.
 */
export function drawTile(
  scene: Scene,
  tile: Tile,
  out: Uint8Array | Uint8ClampedArray,
  outWidth: number,
  originX = 0,
  originY = 0,
): number {
  const { width, height, centerX, centerY, span, maxIterations } = scene
  const step = span / width
  const left = centerX - (width / 2) * step
  const top = centerY - (height / 2) * step
  let spent = 0
  for (let py = tile.y; py < tile.y + tile.height; py++) {
    const ci = top + py * step
    let at = ((py - originY) * outWidth + (tile.x - originX)) * 4
    for (let px = tile.x; px < tile.x + tile.width; px++, at += 4) {
      const cr = left + px * step
      let zr = 0
      let zi = 0
      let n = 0
      while (n < maxIterations) {
        const zr2 = zr * zr
        const zi2 = zi * zi
        if (zr2 + zi2 > 4) break
        zi = 2 * zr * zi + ci
        zr = zr2 - zi2 + cr
        n++
      }
      spent += n
      if (n === maxIterations) {
        out[at] = out[at + 1] = out[at + 2] = 0
      } else {
        const p = (n % PALETTE_SIZE) * 3
        out[at] = palette[p]
        out[at + 1] = palette[p + 1]
        out[at + 2] = palette[p + 2]
      }
      out[at + 3] = 255
    }
  }
  return spent
}

/** FNV-1a over the bytes, as 8 hex digits: equal images, equal checksums. */
export function checksum(bytes: Uint8Array | Uint8ClampedArray): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193)
  return (hash >>> 0).toString(16).padStart(8, "0")
}

/** The reference: every tile on the calling thread, no weft involved. */
export function renderSerial(scene: Scene, tileSize = 32): { pixels: Uint8ClampedArray; iterations: number } {
  const pixels = new Uint8ClampedArray(scene.width * scene.height * 4)
  let iterations = 0
  for (const tile of tileGrid(scene, tileSize)) iterations += drawTile(scene, tile, pixels, scene.width)
  return { pixels, iterations }
}
