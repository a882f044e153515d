// The Node CLI end to end, as `npm run demo` runs it (the built dist/cli.js), on a small image.
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, expect, test } from "vitest"
import { checksum, defaultScene, renderSerial } from "../src/mandelbrot.js"
import { decode } from "./decode-png.js"

const out = mkdtempSync(join(tmpdir(), "weft-demo-"))
afterAll(() => rmSync(out, { recursive: true, force: true }))

test("renders, prints the timing table with checksums that match, and writes the PNGs", () => {
  const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url))
  const run = spawnSync(process.execPath, [cli, "--size", "96x64", "--iterations", "200", "--tile", "16", "--threads", "2", "--out", out], {
    encoding: "utf8",
  })
  expect(run.status, run.stderr).toBe(0)
  expect(run.stdout).toMatch(/runtime: Node [\d.]+, weft adapter "node"/)
  const serial = checksum(renderSerial(defaultScene(96, 64, 200), 16).pixels)
  expect(run.stdout).toContain(`match the serial image (checksum ${serial})`)
  // The live render streams: every tile of the 96x64 image (6x4 tiles of 16 px) arrived on its own.
  expect(run.stdout).toContain("ThreadPool.stream(renderTiles), 2 threads, tiles streamed as they are drawn:")
  expect(run.stdout).toMatch(new RegExp(`\\d+ ms, 24 tiles arrived one by one, checksum ${serial} = serial`))
  for (const style of [
    "ThreadPool.map(renderTile)",
    "ThreadPool.stream(renderTiles)",
    "Thread(target=TileRenderer.renderBand)",
    "RenderThread subclasses + Queue + Lock",
  ]) {
    const rows = run.stdout.split("\n").filter((line) => line.startsWith(`${style}  `))
    expect(rows.map((line) => line.split(/\s{2,}/)[1])).toEqual(["1", "2"])
    for (const row of rows) expect(row).toContain(`ok ${serial}`)
  }
  expect(run.stdout).toMatch(
    new RegExp(`ThreadPool\\.map\\(renderTile\\), warm pool\\s+2\\s+\\d+ ms\\s+[\\d.]+x\\s+\\d+ / \\d+\\s+ok ${serial}`),
  )
  expect(run.stdout).toMatch(/tiny tasks: warm pool, one per task\s+2\s+[\d.]+ ms \([\d.]+ µs\/task\)\s+[\d.]+x\s+\d+ \/ \d+\s+ok/)
  expect(run.stdout).toMatch(/tiny tasks: warm pool, chunksize 256\s+2\s+[\d.]+ ms \([\d.]+ µs\/task\)\s+[\d.]+x\s+\d+ \/ \d+\s+ok/)
  const png = decode(readFileSync(join(out, "mandelbrot.png")))
  expect([png.width, png.height]).toEqual([96, 64])
  expect(checksum(png.rgba)).toBe(serial)
  const tinted = decode(readFileSync(join(out, "mandelbrot-threads.png")))
  expect(tinted.width).toBe(96)
  expect(tinted.height, "a legend strip under the image").toBeGreaterThan(64)
  expect(run.stdout).toMatch(/legend under the image: T1 red \(\d+ tiles\), T2 teal \(\d+ tiles\)/)
})

test("bad arguments exit with 2 and say what is expected", () => {
  const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url))
  const run = spawnSync(process.execPath, [cli, "--size", "big"], { encoding: "utf8" })
  expect(run.status).toBe(2)
  expect(run.stderr).toContain('--size must look like 960x640, got "big"')
})
