// The tinted PNG's legend: a strip under the image with each thread's colour and label.
import { expect, test } from "vitest"
import { withLegend } from "../src/legend.js"
import { encodePng } from "../src/png.js"
import { threadColor } from "../src/tint.js"
import { decode } from "./decode-png.js"

const pixelAt = (rgba: Uint8Array | Uint8ClampedArray, width: number, x: number, y: number) => [
  ...rgba.subarray((y * width + x) * 4, (y * width + x) * 4 + 3),
]

test("the legend adds a strip below the image with one swatch per thread in its tint colour", () => {
  const width = 320
  const height = 40
  const image = new Uint8ClampedArray(width * height * 4).fill(7)
  const legend = withLegend(image, width, height, [467, 483, 12])
  expect(legend.height).toBeGreaterThan(height)
  expect(legend.entries.map((e) => e.label)).toEqual(["T1 467", "T2 483", "T3 12"])
  const { width: w, height: h, rgba } = decode(encodePng(width, legend.height, legend.pixels))
  expect([w, h]).toEqual([width, legend.height])
  // The image itself is untouched; each swatch's centre has its thread's colour.
  expect(pixelAt(rgba, width, 5, 5)).toEqual([7, 7, 7])
  for (const { slot, swatch } of legend.entries) {
    expect(swatch.y).toBeGreaterThanOrEqual(height)
    expect(pixelAt(rgba, width, swatch.x + (swatch.size >> 1), swatch.y + (swatch.size >> 1))).toEqual([...threadColor(slot)])
  }
})

test("on a narrow image the entries wrap onto more lines instead of running off the edge", () => {
  const width = 60
  const legend = withLegend(new Uint8ClampedArray(width * 10 * 4), width, 10, [100, 200, 300, 400])
  for (const { swatch } of legend.entries) expect(swatch.x + swatch.size).toBeLessThanOrEqual(width)
  expect(new Set(legend.entries.map((e) => e.swatch.y)).size).toBeGreaterThan(1)
})
