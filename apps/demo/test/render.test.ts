// Every threaded style draws the serial image, byte for byte, on Node's worker_threads (through
// "weftjs"). Small scenes keep it fast; the tile grid is uneven on purpose (edge tiles).
import { describe, expect, test } from "vitest"
import { checksum, defaultScene, renderSerial, tileGrid } from "../src/mandelbrot.js"
import { render, type Progress, type Style } from "../src/render.js"

const scene = defaultScene(100, 70, 300)
const tileSize = 16
const tiles = tileGrid(scene, tileSize)
const reference = renderSerial(scene, tileSize)
const referenceChecksum = checksum(reference.pixels)

describe("the serial reference", () => {
  test("the tile grid covers every pixel once, edge tiles included", () => {
    const covered = new Uint8Array(scene.width * scene.height)
    for (const t of tiles)
      for (let y = t.y; y < t.y + t.height; y++) for (let x = t.x; x < t.x + t.width; x++) covered[y * scene.width + x]++
    expect(covered.every((n) => n === 1)).toBe(true)
    expect(tiles.length).toBe(7 * 5)
  })

  test("the image is not blank, and the checksum sees a one-pixel change", () => {
    expect(new Set(reference.pixels).size).toBeGreaterThan(10)
    const changed = new Uint8ClampedArray(reference.pixels)
    changed[4 * (35 * scene.width + 50)] ^= 1
    expect(checksum(changed)).not.toBe(referenceChecksum)
  })
})

describe.each<[Style, number]>([
  ["pool", 1],
  ["pool", 2],
  ["stream", 1],
  ["stream", 2],
  ["stream", 3],
  ["bands", 1],
  ["bands", 2],
  ["bands", 3],
  ["queue", 1],
  ["queue", 2],
])("%s with %i thread(s)", (style, threads) => {
  test("draws the serial image; every tile is drawn once and counted", async () => {
    const progress: Progress[] = []
    const result = await render({
      scene,
      style,
      threads,
      tileSize,
      onProgress: (p) => progress.push({ ...p, perThread: [...p.perThread] }),
    })
    expect(result.checksum).toBe(referenceChecksum)
    expect(Buffer.from(result.pixels).equals(Buffer.from(reference.pixels))).toBe(true)
    expect(result.iterations).toBe(reference.iterations)
    expect(result.perThread.reduce((a, b) => a + b, 0)).toBe(tiles.length)
    expect([...result.owners].every((owner) => owner >= 0 && owner < threads)).toBe(true)
    expect(progress.at(-1)?.tilesDone).toBe(tiles.length)
    expect(progress.at(-1)?.perThread.reduce((a, b) => a + b, 0)).toBe(tiles.length)
  })
})

test("render() refuses a thread count or a style it does not know", async () => {
  await expect(render({ scene, style: "pool", threads: 0 })).rejects.toThrow(RangeError)
  await expect(render({ scene, style: "fast" as Style })).rejects.toThrow(/style must be one of serial, pool, stream, bands, queue/)
})

test("stream hands each tile to onTile as it arrives, before the render ends, and the tiles alone make the image", async () => {
  const painted = new Uint8ClampedArray(scene.width * scene.height * 4)
  const seen: number[] = []
  let progressCalls = 0
  const result = await render({
    scene,
    style: "stream",
    threads: 2,
    tileSize,
    onTile: (tile, pixels, thread) => {
      expect(thread === 0 || thread === 1).toBe(true)
      expect(pixels.length).toBe(tile.width * tile.height * 4)
      for (let row = 0; row < tile.height; row++)
        painted.set(pixels.subarray(row * tile.width * 4, (row + 1) * tile.width * 4), ((tile.y + row) * scene.width + tile.x) * 4)
      seen.push(tile.index)
    },
    onProgress: (p) => {
      progressCalls++
      expect(p.tilesDone).toBe(seen.length)
    },
  })
  expect(seen.sort((a, b) => a - b)).toEqual(tiles.map((t) => t.index))
  expect(progressCalls).toBe(tiles.length)
  expect(checksum(painted)).toBe(referenceChecksum)
  expect(result.checksum).toBe(referenceChecksum)
})
