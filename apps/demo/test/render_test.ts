// The demo on Deno: every style draws the serial image through "weftjs" (the `deno` condition, so
// @weft/deno's module workers), and the CLI runs under `deno run` with the documented flags.
import assert from "node:assert/strict"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { getRuntime } from "weftjs"
import { checksum, defaultScene, renderSerial, tileGrid } from "../src/mandelbrot.js"
import { render, type Style } from "../src/render.js"

const options = { sanitizeOps: false, sanitizeResources: false }
const scene = defaultScene(100, 70, 300)
const tileSize = 16
const reference = checksum(renderSerial(scene, tileSize).pixels)

Deno.test({ name: "weft resolves to the Deno adapter", ...options }, () => {
  assert.equal(getRuntime().name, "deno")
})

for (const [style, threads] of [
  ["pool", 2],
  ["stream", 2],
  ["bands", 2],
  ["queue", 1],
  ["queue", 2],
] as [Style, number][]) {
  Deno.test({ name: `${style} with ${threads} thread(s) draws the serial image`, ...options }, async () => {
    const result = await render({ scene, style, threads, tileSize })
    assert.equal(result.checksum, reference)
    assert.equal(
      result.perThread.reduce((a, b) => a + b, 0),
      tileGrid(scene, tileSize).length,
    )
  })
}

Deno.test({ name: "the CLI runs under deno run --allow-read --allow-write and its PNG is the serial image", ...options }, async () => {
  const out = mkdtempSync(join(tmpdir(), "weft-demo-deno-"))
  try {
    const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url))
    const result = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        `--allow-write=${out}`,
        cli,
        "--size",
        "96x64",
        "--iterations",
        "200",
        "--tile",
        "16",
        "--threads",
        "2",
        "--out",
        out,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output()
    const stdout = new TextDecoder().decode(result.stdout)
    assert.equal(result.code, 0, new TextDecoder().decode(result.stderr))
    assert.match(stdout, /runtime: Deno [\d.]+, weft adapter "deno"/)
    // The live render streamed every tile of the 96x64 image (6x4 tiles of 16 px) on its own.
    assert.match(stdout, /\d+ ms, 24 tiles arrived one by one, checksum/)
    const serial = checksum(renderSerial(defaultScene(96, 64, 200), 16).pixels)
    assert.ok(stdout.includes(`match the serial image (checksum ${serial})`), stdout)
    assert.ok(readFileSync(join(out, "mandelbrot.png")).length > 100)
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
})
