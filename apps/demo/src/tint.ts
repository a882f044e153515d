// Tints each tile with the colour of the thread that drew it, for the "who drew what" images.

/** One colour per thread slot (RGB), distinct at a glance. */
export const THREAD_COLORS: readonly (readonly [number, number, number])[] = [
  [230, 57, 70],
  [42, 157, 143],
  [233, 196, 106],
  [69, 123, 157],
  [244, 162, 97],
  [131, 56, 236],
  [6, 214, 160],
  [255, 0, 110],
]

export function threadColor(slot: number): readonly [number, number, number] {
  return THREAD_COLORS[((slot % THREAD_COLORS.length) + THREAD_COLORS.length) % THREAD_COLORS.length]
}

/** A copy of `pixels` with each tile blended 40% towards its thread's colour. */
export function tint(
  pixels: Uint8ClampedArray,
  imageWidth: number,
  tiles: readonly { index: number; x: number; y: number; width: number; height: number }[],
  owners: Int8Array,
): Uint8ClampedArray {
  const out = new Uint8ClampedArray(pixels)
  for (const tile of tiles) {
    const color = threadColor(owners[tile.index])
    for (let y = tile.y; y < tile.y + tile.height; y++) {
      for (let x = tile.x; x < tile.x + tile.width; x++) {
        const at = (y * imageWidth + x) * 4
        for (let c = 0; c < 3; c++) out[at + c] = (out[at + c] * 3 + color[c] * 2) / 5
      }
    }
  }
  return out
}
