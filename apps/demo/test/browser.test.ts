// The browser demo as users get it: `vite build`, served by `vite preview` (COOP/COEP), driven in
// Chromium. "weftjs" resolves to the browser adapter in the bundle. The test waits for each render,
// reads the canvas back, compares its checksum with a serial render computed here in Node, and
// saves the screenshot the README shows.
import { existsSync, mkdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { chromium, type Browser, type Page } from "playwright"
import { preview, type PreviewServer } from "vite"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { chromiumArgs, executablePath } from "../../../packages/web/test/chromium.mjs"
import { checksum, defaultScene, renderSerial, tileGrid } from "../src/mandelbrot.js"

const configFile = fileURLToPath(new URL("../vite.config.ts", import.meta.url))
// The README's copy is refreshed only on request (UPDATE_SCREENSHOT=1), so a test run leaves the tree clean.
const screenshot =
  process.env.UPDATE_SCREENSHOT === "1"
    ? fileURLToPath(new URL("../docs/browser-demo.png", import.meta.url))
    : join(process.env.WEFT_REPORT_DIR ?? fileURLToPath(new URL("../../../reports", import.meta.url)), "browser-demo.png")

interface DemoState {
  runtime: string
  results: { style: string; threads: number; checksum: string; perThread: number[]; ms: number }[]
  serialChecksum: string
  canvasChecksum: string
  tilesPainted: number
  streamedChecksum: string
  error: string
}

const size = { width: 480, height: 320, iterations: 500 }
const serial = checksum(renderSerial(defaultScene(size.width, size.height, size.iterations), 32).pixels)
const tiles = tileGrid(defaultScene(size.width, size.height), 32).length

let server: PreviewServer
let browser: Browser
let page: Page
const pageErrors: string[] = []

async function settled(count: number): Promise<DemoState> {
  await page.waitForFunction(
    (n) => {
      const demo = (globalThis as unknown as { demo?: DemoState }).demo
      return document.body.dataset.state === "error" || (document.body.dataset.state === "done" && (demo?.results.length ?? 0) >= n)
    },
    count,
    { timeout: 60_000 },
  )
  const state = await page.evaluate(() => (globalThis as unknown as { demo: DemoState }).demo)
  expect(state.error).toBe("")
  expect(pageErrors).toEqual([])
  return state
}

beforeAll(async () => {
  if (!existsSync(fileURLToPath(new URL("../dist/web/index.html", import.meta.url))))
    throw new Error("build the demo first (pnpm --filter @weft/demo build)")
  server = await preview({ configFile, logLevel: "warn", preview: { port: 0 } })
  browser = await chromium.launch({ executablePath, args: chromiumArgs })
  page = await browser.newPage({ viewport: { width: 1560, height: 760 } })
  page.on("pageerror", (error) => pageErrors.push(String(error)))
  await page.goto(`${server.resolvedUrls!.local[0]}?size=${size.width}x${size.height}&iterations=${size.iterations}&style=queue&threads=2`)
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe("the browser demo, built by Vite, in Chromium", () => {
  test("the page is cross-origin isolated and renders serially, then with RenderThreads; the canvas equals the serial image", async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true)
    const state = await settled(2)
    // The page imports the bare "weftjs": Vite's browser condition picked the Web Worker adapter.
    expect(state.runtime).toBe("web")
    expect(state.serialChecksum).toBe(serial)
    expect(state.results.map((r) => [r.style, r.threads])).toEqual([
      ["serial", 1],
      ["queue", 2],
    ])
    expect(state.results[1].checksum).toBe(serial)
    expect(state.canvasChecksum).toBe(serial)
    expect(state.results[1].perThread.reduce((a, b) => a + b, 0)).toBe(tiles)
    // The tint overlay, the legend and the timings table show the threads' share.
    expect(await page.locator("#legend li").count()).toBe(2)
    expect(await page.locator("#timings tbody tr").count()).toBe(2)
  })

  test.each(["stream", "pool", "bands"])("the %s style, chosen in the page, draws the same canvas", async (style) => {
    await page.selectOption("#style", style)
    await page.locator("#threads").fill("2")
    const before = (await page.evaluate(() => (globalThis as unknown as { demo: DemoState }).demo)).results.length
    await page.click("#render")
    const state = await settled(before + 1)
    const last = state.results.at(-1)!
    expect([last.style, last.threads]).toEqual([style, 2])
    expect(last.checksum).toBe(serial)
    expect(state.canvasChecksum).toBe(serial)
    if (style === "stream") {
      // Each tile was painted as it arrived; those paints alone made the serial image.
      expect(state.tilesPainted).toBe(tiles)
      expect(state.streamedChecksum).toBe(serial)
    }
  })

  test("the page as a visitor gets it (960x640, 1500 iterations) streams tiles onto the canvas and draws the serial image; a second render runs warm", async () => {
    await page.goto(`${server.resolvedUrls!.local[0]}?threads=2`)
    let state = await settled(2)
    const reference = checksum(renderSerial(defaultScene(960, 640, 1500), 32).pixels)
    expect(state.serialChecksum).toBe(reference)
    expect(state.results.at(-1)?.style).toBe("stream")
    expect(state.tilesPainted).toBe(tileGrid(defaultScene(960, 640), 32).length)
    expect(state.streamedChecksum).toBe(reference)
    expect(state.canvasChecksum).toBe(reference)
    await page.click("#render")
    state = await settled(3)
    expect(state.results.map((r) => r.checksum)).toEqual([reference, reference, reference])
    mkdirSync(dirname(screenshot), { recursive: true })
    await page.screenshot({ path: screenshot, fullPage: true })
  })
})
