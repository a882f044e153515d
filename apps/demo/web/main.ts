// The browser demo: the same render module as the CLI, in Web Workers. "weftjs" resolves to the
// browser adapter here; the workers run the page's own entry (weft-worker.ts) so the bundled
// task modules are known by key. Query parameters (for links and the tests): size=WxH,
// iterations, tile, style, threads. The default style streams: each tile is painted the moment
// its worker's generator yields it.
import { configureWeb, getRuntime } from "weftjs"
import { checksum, defaultScene, tileGrid, type Tile } from "../src/mandelbrot.js"
import { render, STYLES, type Progress, type RenderResult, type Style } from "../src/render.js"
import { threadColor } from "../src/tint.js"

configureWeb({ createWorker: ({ name }) => new Worker(new URL("./weft-worker.ts", import.meta.url), { type: "module", name }) })

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T
const params = new URLSearchParams(location.search)
const [width, height] = (params.get("size") ?? "960x640").split("x").map(Number)
const scene = defaultScene(width, height, Number(params.get("iterations") ?? 1500))
const tileSize = Number(params.get("tile") ?? 32)
const cores = getRuntime().availableParallelism()

const image = $<HTMLCanvasElement>("image")
const overlay = $<HTMLCanvasElement>("overlay")
for (const canvas of [image, overlay]) {
  canvas.width = scene.width
  canvas.height = scene.height
}
const imageContext = image.getContext("2d")!
const overlayContext = overlay.getContext("2d")!
const styleInput = $<HTMLSelectElement>("style")
const threadsInput = $<HTMLInputElement>("threads")
const tintInput = $<HTMLInputElement>("tint")
threadsInput.max = String(Math.max(8, cores))
threadsInput.value = params.get("threads") ?? String(cores)
// The Queue + Lock style needs shared memory: an isolated page, in a browser that has
// SharedArrayBuffer there (WebKitGTK has not). Streaming needs none, so the page starts with it.
const shared = getRuntime().capabilities.sharedMemory
styleInput.querySelector<HTMLOptionElement>('option[value="queue"]')!.disabled = !shared
styleInput.value = params.get("style") ?? "stream"
const showThreads = () => ($<HTMLOutputElement>("threads-value").value = threadsInput.value)
threadsInput.addEventListener("input", showThreads)
showThreads()
tintInput.addEventListener("change", () => (overlay.style.visibility = tintInput.checked ? "visible" : "hidden"))

$("isolation").textContent = shared
  ? `Cross-origin isolated: SharedArrayBuffer, Queue and Lock available. ${cores} logical CPUs. ${scene.width}x${scene.height}, ${scene.maxIterations} iterations, ${tileSize}px tiles.`
  : crossOriginIsolated
    ? "Cross-origin isolated, but this browser has no SharedArrayBuffer: the stream, pool and band styles work, the Queue + Lock style cannot."
    : "Not cross-origin isolated (no COOP/COEP headers): the stream, pool and band styles work, the Queue + Lock style cannot."

/**
 * What the tests read: the last result, checksums, and the canvas's own checksum. For a streamed
 * render also the tiles painted one by one as they arrived, and the canvas they alone made.
 */
const state = {
  runtime: getRuntime().name,
  results: [] as Omit<RenderResult, "pixels" | "owners" | "tiles">[],
  serialChecksum: "",
  canvasChecksum: "",
  tilesPainted: 0,
  streamedChecksum: "",
  error: "",
}
Object.assign(globalThis, { demo: state })

function drawImage(pixels: Uint8ClampedArray): void {
  // A copy: ImageData refuses a view of shared memory.
  imageContext.putImageData(new ImageData(new Uint8ClampedArray(pixels), scene.width, scene.height), 0, 0)
}

/** One tile's own pixels, painted where it belongs: the streamed style calls it as each tile arrives. */
function drawTilePixels(tile: Tile, pixels: Uint8ClampedArray): void {
  imageContext.putImageData(new ImageData(new Uint8ClampedArray(pixels), tile.width, tile.height), tile.x, tile.y)
}

function drawOverlayTile(tile: Tile, owner: number): void {
  // A light wash plus an outline, so the owner reads on dark and bright parts of the image alike.
  const rgb = threadColor(owner).join(" ")
  overlayContext.fillStyle = `rgb(${rgb} / 0.28)`
  overlayContext.fillRect(tile.x, tile.y, tile.width, tile.height)
  overlayContext.strokeStyle = `rgb(${rgb} / 0.95)`
  overlayContext.lineWidth = 2
  overlayContext.strokeRect(tile.x + 1.5, tile.y + 1.5, tile.width - 3, tile.height - 3)
}

function drawOverlay(tiles: readonly Tile[], owners: Int8Array): void {
  overlayContext.clearRect(0, 0, scene.width, scene.height)
  for (const tile of tiles) if (owners[tile.index] >= 0) drawOverlayTile(tile, owners[tile.index])
}

function drawLegend(perThread: readonly number[], total: number): void {
  $("legend").replaceChildren(
    ...perThread.map((count, slot) => {
      const item = document.createElement("li")
      const swatch = document.createElement("i")
      swatch.style.background = `rgb(${threadColor(slot).join(" ")})`
      item.append(swatch, `thread ${slot + 1}: ${count} tiles (${Math.round((count / total) * 100)}%)`)
      return item
    }),
  )
}

const SHORT: Record<Style, string> = {
  serial: "serial (page thread)",
  pool: "ThreadPool.map",
  stream: "ThreadPool.stream",
  bands: "TileRenderer bands",
  queue: "RenderThread + Queue",
}

let serialMs: number | undefined
function addTiming(result: RenderResult): void {
  const ok = state.serialChecksum === "" || result.checksum === state.serialChecksum
  const row = document.createElement("tr")
  const cells = [
    SHORT[result.style],
    result.style === "serial" ? "main" : String(result.threads),
    `${result.ms.toFixed(0)} ms`,
    serialMs === undefined ? "–" : `${(serialMs / result.ms).toFixed(2)}x`,
    `${result.checksum}${state.serialChecksum === "" ? "" : ok ? " ✓" : " ✗"}`,
  ]
  for (const text of cells) row.append(Object.assign(document.createElement("td"), { textContent: text }))
  row.lastElementChild!.className = ok ? "ok" : "bad"
  $("timings").querySelector("tbody")!.prepend(row)
}

async function run(style: Style, threads: number): Promise<void> {
  document.body.dataset.state = "rendering"
  state.error = ""
  $("status").textContent = style === "serial" ? "rendering on the main thread…" : `rendering with ${threads} threads…`
  for (const button of document.querySelectorAll("button")) button.disabled = true
  let latest: Progress | undefined
  let frame = 0
  const streamed = style === "stream"
  state.tilesPainted = 0
  state.streamedChecksum = ""
  if (streamed) {
    // Each tile is painted as it arrives, onto a cleared canvas.
    imageContext.clearRect(0, 0, scene.width, scene.height)
    overlayContext.clearRect(0, 0, scene.width, scene.height)
  }
  const paint = () => {
    frame = 0
    if (!latest) return
    drawImage(latest.image)
    drawOverlay(tiles, latest.owners)
    drawLegend(latest.perThread, latest.tilesTotal)
  }
  const tiles = tileGrid(scene, tileSize)
  try {
    // Lets the status text paint before a serial render blocks the page.
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)))
    const result = await render({
      scene,
      style,
      threads,
      tileSize,
      onTile: (tile, pixels, thread) => {
        drawTilePixels(tile, pixels)
        drawOverlayTile(tile, thread)
        state.tilesPainted++
      },
      onProgress: (progress) => {
        if (streamed) {
          drawLegend(progress.perThread, progress.tilesTotal)
          return
        }
        latest = progress
        frame ||= requestAnimationFrame(paint)
      },
    })
    cancelAnimationFrame(frame)
    // The canvas as the arriving tiles alone painted it, before the whole image is drawn again.
    if (streamed) state.streamedChecksum = checksum(imageContext.getImageData(0, 0, scene.width, scene.height).data)
    drawImage(result.pixels)
    drawOverlay(result.tiles, result.owners)
    drawLegend(result.perThread, result.tiles.length)
    if (style === "serial") {
      serialMs = result.ms
      state.serialChecksum = result.checksum
    }
    // The canvas itself, read back: what the user sees is the image the threads computed.
    state.canvasChecksum = checksum(imageContext.getImageData(0, 0, scene.width, scene.height).data)
    const { pixels: _p, owners: _o, tiles: _t, ...summary } = result
    state.results.push(summary)
    addTiming(result)
    $("status").textContent = `${STYLES[style]}: ${result.ms.toFixed(0)} ms; canvas checksum ${state.canvasChecksum}`
    document.body.dataset.state = "done"
  } catch (error) {
    state.error = String((error as Error)?.message ?? error)
    $("status").textContent = `failed: ${state.error}`
    document.body.dataset.state = "error"
  } finally {
    for (const button of document.querySelectorAll("button")) button.disabled = false
  }
}

$("controls").addEventListener("submit", (event) => {
  event.preventDefault()
  void run(styleInput.value as Style, Number(threadsInput.value))
})
$("serial").addEventListener("click", () => void run("serial", 1))

// On load: the serial baseline (briefly blocking the page), then the chosen threaded render.
await run("serial", 1)
await run(styleInput.value as Style, Number(threadsInput.value))
