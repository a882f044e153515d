// A production build of a small app (vite build, served by vite preview with COOP/COEP and a
// CSP without 'unsafe-eval'), driven in Chromium: the bundler story, not only the dev server.
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { chromium, type Browser, type Page } from "playwright"
import { build, preview, type PreviewServer } from "vite"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { chromiumArgs, executablePath } from "./chromium.mjs"

const root = fileURLToPath(new URL("./fixture-app/", import.meta.url))
const configFile = join(root, "vite.config.ts")

type Outcome = { ok: true; value: unknown } | { ok: false; error: string; name: string; isTargetError: boolean }

let server: PreviewServer
let browser: Browser
let url: string

beforeAll(async () => {
  await build({ root, configFile, logLevel: "warn" })
  server = await preview({ root, configFile, logLevel: "warn" })
  url = server.resolvedUrls!.local[0]!
  browser = await chromium.launch({ executablePath, args: chromiumArgs })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function openApp(): Promise<{ page: Page; results: Record<string, Outcome> }> {
  const page = await browser.newPage()
  await page.goto(url)
  await page.waitForFunction(() => document.title === "done")
  const results = await page.evaluate(() => (globalThis as unknown as { weftResults: Record<string, Outcome> }).weftResults)
  return { page, results }
}

describe("fixture app, built by Vite", () => {
  test("the build emits weft's worker entry and the app's own as separate module files", () => {
    const assets = readdirSync(join(root, "dist", "assets"))
    const workers = assets.filter(
      (file) => file.endsWith(".js") && readFileSync(join(root, "dist", "assets", file), "utf8").includes("weft:web-exit"),
    )
    // The page's chunk carries the adapter too; both worker entries are bundled on their own.
    expect(assets.some((file) => /^worker-.*\.js$/.test(file))).toBe(true)
    expect(assets.some((file) => /^weft-worker-.*\.js$/.test(file))).toBe(true)
    expect(workers.length).toBeGreaterThanOrEqual(3)
  })

  test("threads in all three styles share a Lock, and a pool runs, on the app's bundled worker entry, on an isolated page", async () => {
    const { page, results } = await openApp()
    try {
      expect(results.isolated).toEqual({ ok: true, value: true })
      expect(results.functional).toEqual({ ok: true, value: 6765 })
      expect(results.instance).toMatchObject({ ok: true, value: { inside: { count: 8 }, after: 8, sameIdent: true } })
      expect(results.subclass).toEqual({ ok: true, value: { value: 10, total: 10 } })
      // 3 × 2000 unsynchronised read-modify-writes, each under the one Lock: none lost.
      expect(results["lock shared by three styles"]).toEqual({
        ok: true,
        value: { done: [2000, 2000, 2000], heldByPage: 0, counter: 6000, locked: false },
      })
      expect(results.pool).toEqual({ ok: true, value: [55, 610, 6765] })
    } finally {
      await page.close()
    }
  })

  test("an inline target on a page whose CSP forbids eval fails with ThreadTargetError, naming the CSP", async () => {
    const { page, results } = await openApp()
    await page.close()
    const inline = results["inline under CSP"]!
    expect(inline.ok).toBe(false)
    if (inline.ok) return
    expect(inline.isTargetError).toBe(true)
    expect(inline.name).toBe("ThreadTargetError")
    expect(inline.error).toMatch(/Content-Security-Policy/)
    expect(inline.error).toMatch(/threadable/)
  })

  test("leaving the page leaves no worker behind", async () => {
    const page = await browser.newPage()
    const open = new Set<unknown>()
    let allClosed: () => void = () => {}
    page.on("worker", (worker) => {
      open.add(worker)
      worker.on("close", () => {
        open.delete(worker)
        if (open.size === 0) allClosed()
      })
    })
    await page.goto(url)
    await page.waitForFunction(() => document.title === "done")
    await page.evaluate(() => (globalThis as unknown as { startForever(n: number): number }).startForever(3))
    // Three never-ending threads, each in a worker of its own.
    await expect.poll(() => open.size).toBeGreaterThanOrEqual(3)
    const closed = new Promise<void>((resolve) => (allClosed = resolve))
    await page.goto("about:blank")
    await closed
    expect(open.size).toBe(0)
    await page.close()
  })
})
