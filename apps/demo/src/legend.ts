// A legend strip under the tinted image: one swatch per thread, in its tint colour, labelled
// "T1 467" (thread 1 drew 467 tiles), so the PNG says which colour is which thread on its own.
import { threadColor } from "./tint.js"

// A 3x5 pixel font for what the labels use: digits and "T". Each row is 3 bits, left to right.
const GLYPHS: Readonly<Record<string, readonly number[]>> = {
  "0": [0b111, 0b101, 0b101, 0b101, 0b111],
  "1": [0b010, 0b110, 0b010, 0b010, 0b111],
  "2": [0b111, 0b001, 0b111, 0b100, 0b111],
  "3": [0b111, 0b001, 0b111, 0b001, 0b111],
  "4": [0b101, 0b101, 0b111, 0b001, 0b001],
  "5": [0b111, 0b100, 0b111, 0b001, 0b111],
  "6": [0b111, 0b100, 0b111, 0b101, 0b111],
  "7": [0b111, 0b001, 0b010, 0b010, 0b010],
  "8": [0b111, 0b101, 0b111, 0b101, 0b111],
  "9": [0b111, 0b101, 0b111, 0b001, 0b111],
  T: [0b111, 0b010, 0b010, 0b010, 0b010],
  " ": [0, 0, 0, 0, 0],
}

const BACKGROUND = [24, 24, 27] as const
const INK = [235, 235, 235] as const

/** Where each legend entry's swatch sits, for tests and callers that want to point at it. */
export interface LegendEntry {
  readonly slot: number
  readonly label: string
  readonly swatch: { readonly x: number; readonly y: number; readonly size: number }
}

/** The image with a legend strip added below it: a new, taller RGBA buffer. */
export function withLegend(
  pixels: Uint8ClampedArray,
  width: number,
  height: number,
  perThread: readonly number[],
): { pixels: Uint8ClampedArray; height: number; entries: LegendEntry[] } {
  const scale = width >= 600 ? 3 : width >= 240 ? 2 : 1
  const pad = 3 * scale
  const glyph = 4 * scale // 3 columns and a gap
  const swatchSize = 5 * scale
  const lineHeight = swatchSize + 2 * pad
  // Lay the entries out left to right, wrapping onto new lines when the image is narrow.
  const placed: { slot: number; label: string; x: number; line: number }[] = []
  let x = pad
  let line = 0
  perThread.forEach((tiles, slot) => {
    const label = `T${slot + 1} ${tiles}`
    const entryWidth = swatchSize + scale * 2 + label.length * glyph + pad * 2
    if (x + entryWidth > width && x > pad) {
      x = pad
      line++
    }
    placed.push({ slot, label, x, line })
    x += entryWidth
  })
  const strip = (line + 1) * lineHeight
  const out = new Uint8ClampedArray(width * (height + strip) * 4)
  out.set(pixels.subarray(0, width * height * 4))
  const paint = (px: number, py: number, rgb: readonly number[]) => {
    if (px < 0 || px >= width || py < 0 || py >= height + strip) return
    const at = (py * width + px) * 4
    out[at] = rgb[0]
    out[at + 1] = rgb[1]
    out[at + 2] = rgb[2]
    out[at + 3] = 255
  }
  for (let py = height; py < height + strip; py++) for (let px = 0; px < width; px++) paint(px, py, BACKGROUND)
  const entries: LegendEntry[] = []
  for (const { slot, label, x: left, line: at } of placed) {
    const top = height + at * lineHeight + pad
    for (let dy = 0; dy < swatchSize; dy++) for (let dx = 0; dx < swatchSize; dx++) paint(left + dx, top + dy, threadColor(slot))
    entries.push({ slot, label, swatch: { x: left, y: top, size: swatchSize } })
    let textX = left + swatchSize + scale * 2
    for (const char of label) {
      const rows = GLYPHS[char] ?? GLYPHS[" "]
      rows.forEach((bits, row) => {
        for (let col = 0; col < 3; col++) {
          if (!(bits & (0b100 >> col))) continue
          for (let sy = 0; sy < scale; sy++) for (let sx = 0; sx < scale; sx++) paint(textX + col * scale + sx, top + row * scale + sy, INK)
        }
      })
      textX += glyph
    }
  }
  return { pixels: out, height: height + strip, entries }
}

/** The colour's name for the console legend (the same palette as THREAD_COLORS). */
export function colorName(slot: number): string {
  const names = ["red", "teal", "yellow", "blue", "orange", "purple", "green", "pink"]
  return names[((slot % names.length) + names.length) % names.length]
}
