// The built demo page on Firefox and WebKit (Chromium runs it in browser.test.ts): each render
// style the page offers there must draw the image the page's own serial render draws, read back
// from the canvas. One JUnit report per engine configuration and page: demo-<config>-<page>.xml.
import { existsSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { browserLost, configurations, launch, missing, retryOnStall } from "../../../packages/web/test/engines/browsers.mjs"
import { tally, writeJUnit } from "../../../packages/web/test/engines/report.mjs"
import { isolationHeaders, serveStatic } from "../../../packages/web/test/engines/static-server.mjs"

const dist = fileURLToPath(new URL("../dist/web/", import.meta.url))
const reports = process.env.WEFT_REPORT_DIR ?? fileURLToPath(new URL("../../../reports", import.meta.url))
const only = process.env.WEFT_ENGINES?.split(",")
const query = "size=480x320&iterations=500&threads=2"

if (!existsSync(join(dist, "index.html"))) throw new Error("build the demo first (pnpm --filter @weft/demo build)")

function check(condition, message) {
  if (!condition) throw new Error(message)
}

// A driver that stops answering (WebKitGTK's, under load) relaunches the browser once: see
// retryOnStall. A render that does not finish is loaded once more, saying so with the page's
// state: WebKitGTK without shared memory left one pool render unfinished after 120 s in about one
// full run in three, and 55 renders in a loop (40 of them beside a CPU hog) did not repeat it.
async function render(session, url) {
  try {
    return await retryOnStall(session, (browser) => renderOnce(browser, url))
  } catch (error) {
    if (!(error instanceof RenderTimeout)) throw error
    console.log(`  ${url}: ${error.message}; loading the page once more`)
    return retryOnStall(session, (browser) => renderOnce(browser, url))
  }
}

class RenderTimeout extends Error {}

async function renderOnce(browser, url) {
  const page = await browser.open(url)
  try {
    try {
      await page.waitFor(() => {
        const demo = globalThis.demo
        return document.body.dataset.state === "error" || (document.body.dataset.state === "done" && (demo?.results.length ?? 0) >= 2)
      }, 120_000)
    } catch (error) {
      if (browserLost(error)) throw error
      const where = await page
        .evaluate(() => ({ state: document.body.dataset.state, demo: globalThis.demo, text: document.body.textContent?.slice(0, 300) }))
        .catch((e) => String(e))
      throw new RenderTimeout(`${error.message.split("\n")[0]}; the page: ${JSON.stringify(where)}`)
    }
    return await page.evaluate(() => ({ ...globalThis.demo, isolation: document.getElementById("isolation").textContent }))
  } finally {
    await page.close()
  }
}

function checkRender(state, style) {
  check(state.error === "", `the page failed: ${state.error}`)
  check(state.runtime === "web", `runtime ${state.runtime}`)
  const [serial, threaded] = state.results
  check(
    serial.style === "serial" && threaded.style === style && threaded.threads === 2,
    `rendered ${JSON.stringify(state.results.map((r) => [r.style, r.threads]))}`,
  )
  check(
    state.serialChecksum !== "" && threaded.checksum === state.serialChecksum,
    `the ${style} render ${threaded.checksum} differs from the serial one ${state.serialChecksum}`,
  )
  check(
    state.canvasChecksum === state.serialChecksum,
    `the canvas ${state.canvasChecksum} differs from the serial image ${state.serialChecksum}`,
  )
  if (style === "stream") {
    // Streamed: every tile was painted on its own as it arrived, and those paints alone made the image.
    const tiles = Math.ceil(480 / 32) * Math.ceil(320 / 32)
    check(state.tilesPainted === tiles, `painted ${state.tilesPainted} tiles as they arrived, expected ${tiles}`)
    check(
      state.streamedChecksum === state.serialChecksum,
      `the canvas painted tile by tile ${state.streamedChecksum} differs from the serial image`,
    )
  }
}

async function runCase(cases, classname, name, body) {
  const started = Date.now()
  try {
    await body()
    cases.push({ classname, name, status: "passed", ms: Date.now() - started })
  } catch (error) {
    cases.push({ classname, name, status: "failed", ms: Date.now() - started, message: String(error?.stack ?? error) })
  }
}

const servers = { isolated: await serveStatic(dist, isolationHeaders), open: await serveStatic(dist, {}) }
let failed = false
try {
  for (const configuration of configurations) {
    if (only && !only.includes(configuration.id)) continue
    const why = missing(configuration.engine)
    if (why) {
      console.error(`${configuration.id}: ${why}`)
      failed = true
      continue
    }
    const session = { configuration, browser: await launch(configuration) }
    const { browser } = session
    try {
      for (const pageKind of configuration.pages) {
        const shared = pageKind === "isolated" && configuration.sharedArrayBuffer
        const label = `${configuration.id}-${pageKind}`
        const classname = `${label} demo page`
        const base = servers[pageKind].url
        const cases = []
        await runCase(
          cases,
          classname,
          "the page starts with the stream style, paints each tile as it arrives and says what it has",
          async () => {
            const state = await render(session, `${base}?${query}`)
            checkRender(state, "stream")
            check(/SharedArrayBuffer, Queue and Lock available/.test(state.isolation) === shared, `isolation note: ${state.isolation}`)
          },
        )
        for (const style of shared ? ["queue", "pool", "bands"] : ["pool", "bands"]) {
          await runCase(cases, classname, `the ${style} style draws the serial image`, async () =>
            checkRender(await render(session, `${base}?${query}&style=${style}`), style),
          )
        }
        for (const c of cases)
          if (c.status === "failed")
            console.log(`  FAIL ${c.classname} > ${c.name}\n    ${c.message.split("\n").slice(0, 4).join("\n    ")}`)
        writeJUnit(join(reports, `demo-${label}.xml`), `demo on ${browser.name} ${browser.version} (${label})`, cases)
        console.log(`demo ${label} (${browser.name} ${browser.version}): ${tally(cases)}`)
        if (cases.some((c) => c.status === "failed")) failed = true
      }
    } finally {
      await session.browser.close()
    }
  }
} finally {
  await Promise.all([servers.isolated.close(), servers.open.close()])
}
process.exit(failed ? 1 : 0)
