// The adapter's browser tests on Firefox and WebKit (Chromium runs them under vitest): the shared
// conformance suite and the adapter's own tests as a page served by Vite (unbundled, as vitest
// serves them to Chromium: registered targets are found by their module's URL), and the built
// fixture app. One JUnit report per engine configuration and page: engines-<config>-<page>.xml.
import assert from "node:assert/strict"
import { createServer as createHttpServer } from "node:http"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { build, createServer, loadConfigFromFile } from "vite"
import { browserLost, configurations, launch, missing, retryOnStall } from "./browsers.mjs"
import { tally, writeJUnit } from "./report.mjs"
import { isolationHeaders, serveStatic, withoutIsolation } from "./static-server.mjs"

const webRoot = fileURLToPath(new URL("../../", import.meta.url))
const reports = process.env.WEFT_REPORT_DIR ?? fileURLToPath(new URL("../../../../reports", import.meta.url))
const fixtureRoot = join(webRoot, "test", "fixture-app")
const fixtureConfig = join(fixtureRoot, "vite.config.ts")
const only = process.env.WEFT_ENGINES?.split(",") // e.g. WEFT_ENGINES=firefox,webkit-sab
const grep = process.env.WEFT_SUITE_GREP // only the suite cases whose "group > name" contains it (e.g. "Streaming >")
const pages = process.env.WEFT_ENGINE_PAGES?.split(",") // e.g. WEFT_ENGINE_PAGES=isolated
const repeat = process.env.WEFT_SUITE_REPEAT // run the chosen cases this many times over (hunting a flake)

/** One Vite server for the suite page, behind two fronts: with COOP/COEP and without. */
async function suiteServers() {
  const vite = await createServer({
    root: webRoot,
    configFile: false,
    logLevel: "warn",
    server: { middlewareMode: true, hmr: false, ws: false },
    resolve: { alias: [{ find: /^vitest$/, replacement: join(webRoot, "test/engines/suite-page/vitest-shim.ts") }] },
    // Discovered up front: a dependency found mid-run would make Vite reload the page.
    optimizeDeps: { entries: ["test/engines/suite-page/index.html"] },
  })
  const front = (headers) =>
    new Promise((resolve) => {
      const server = createHttpServer((request, response) => {
        for (const [name, value] of Object.entries(headers)) response.setHeader(name, value)
        vite.middlewares(request, response, () => {
          response.statusCode = 404
          response.end()
        })
      })
      server.listen(0, "127.0.0.1", () => resolve(server))
    })
  const isolated = await front(isolationHeaders)
  const open = await front({})
  const url = (server) => `http://127.0.0.1:${server.address().port}/test/engines/suite-page/index.html`
  return {
    url: { isolated: url(isolated), open: url(open) },
    async close() {
      await Promise.all([isolated, open].map((server) => new Promise((done) => server.close(() => done()))))
      await vite.close()
    },
  }
}

async function runSuite(browser, url, label) {
  const page = await browser.open(url)
  try {
    let reported = 0
    const deadline = Date.now() + 15 * 60_000
    for (;;) {
      if (Date.now() > deadline) throw new Error(`the suite page did not finish within 15 minutes (${reported} cases reported)`)
      const progress = await page.evaluate(() => {
        const suite = globalThis.weftSuite
        return suite ? { done: suite.done, count: suite.results.length } : { done: false, count: 0 }
      })
      if (progress.count >= reported + 50 || (progress.done && progress.count > reported)) {
        console.log(`  ${label}: ${progress.count} cases run`)
        reported = progress.count
      }
      if (progress.done) break
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    const state = await page.evaluate(() => globalThis.weftSuite)
    if (state.results.length === 0) throw new Error(`the suite page ran nothing:\n${state.logs.join("\n")}`)
    return state
  } finally {
    await page.close()
  }
}

const fixtureCases = [
  {
    name: "threads in all three styles and a pool run on the app's bundled worker entry",
    check(results, { isolated }) {
      assert.deepEqual(results.isolated, { ok: true, value: isolated })
      assert.deepEqual(results.functional, { ok: true, value: 6765 })
      assert.equal(results.instance.ok, true, results.instance.error)
      assert.deepEqual(results.instance.value, {
        inside: { count: 8, ident: results.instance.value.inside.ident },
        after: 8,
        sameIdent: true,
      })
      assert.deepEqual(results.subclass, { ok: true, value: { value: 10, total: 10 } })
      assert.deepEqual(results.pool, { ok: true, value: [55, 610, 6765] })
    },
  },
  {
    name: "a Lock shared by three styles loses no update; without shared memory it says why",
    check(results, { isolated, sharedMemory }) {
      const outcome = results["lock shared by three styles"]
      if (sharedMemory) {
        assert.deepEqual(outcome, { ok: true, value: { done: [2000, 2000, 2000], heldByPage: 0, counter: 6000, locked: false } })
        return
      }
      assert.equal(outcome.ok, false)
      assert.match(outcome.error, /SharedArrayBuffer/)
      // On an isolated page the headers are not the problem: the error must not send the user there.
      if (isolated) assert.match(outcome.error, /even on a cross-origin isolated page/)
      else assert.match(outcome.error, /Cross-Origin-Opener-Policy/)
    },
  },
  {
    name: "an inline target on a page whose CSP forbids eval fails with ThreadTargetError, naming the CSP",
    check(results) {
      const inline = results["inline under CSP"]
      assert.equal(inline.ok, false)
      assert.equal(inline.isTargetError, true)
      assert.equal(inline.name, "ThreadTargetError")
      assert.match(inline.error, /Content-Security-Policy/)
      assert.match(inline.error, /threadable/)
    },
  },
]

async function runFixture(browser, url, facts) {
  const started = Date.now()
  const page = await browser.open(url)
  let results
  try {
    await page.waitFor(() => document.title === "done", 120_000)
    results = await page.evaluate(() => globalThis.weftResults)
  } catch (error) {
    if (browserLost(error)) throw error
    // Where it stopped: still navigating (the driver), or on the app's page (weft).
    const where = await page
      .evaluate(() => ({ href: location.href, title: document.title, out: document.getElementById("out")?.textContent }))
      .catch((e) => String(e))
    const message = `the page did not finish: ${error.message}; page: ${JSON.stringify(where)}`
    return fixtureCases.map(({ name }) => ({ name, status: "failed", ms: Date.now() - started, message }))
  } finally {
    await page.close()
  }
  return fixtureCases.map(({ name, check }) => {
    try {
      check(results, facts)
      return { name, status: "passed", ms: 0 }
    } catch (error) {
      return { name, status: "failed", ms: 0, message: `${error.message}\nresults: ${JSON.stringify(results)}` }
    }
  })
}

let failed = false
const suite = await suiteServers()
await build({ root: fixtureRoot, configFile: fixtureConfig, logLevel: "warn" })
const fixtureHeaders = (await loadConfigFromFile({ command: "serve", mode: "production" }, fixtureConfig, fixtureRoot, "silent")).config
  .preview.headers
const fixture = {
  isolated: await serveStatic(join(fixtureRoot, "dist"), fixtureHeaders),
  open: await serveStatic(join(fixtureRoot, "dist"), withoutIsolation(fixtureHeaders)),
}
try {
  for (const configuration of configurations) {
    if (only && !only.includes(configuration.id)) continue
    const why = missing(configuration.engine)
    if (why) {
      // Reported, not hidden: the run fails rather than passing without the engine.
      console.error(`${configuration.id}: ${why}`)
      failed = true
      continue
    }
    const session = { configuration, browser: await launch(configuration) }
    const { browser } = session
    console.log(`\n--- ${configuration.id}: ${browser.name} ${browser.version} ---`)
    try {
      for (const pageKind of configuration.pages.filter((kind) => pages === undefined || pages.includes(kind))) {
        const isolated = pageKind === "isolated"
        const sharedMemory = isolated && configuration.sharedArrayBuffer
        const label = `${configuration.id}-${pageKind}`
        const cases = []
        const query = `?isolated=${isolated ? 1 : 0}&sharedMemory=${sharedMemory ? 1 : 0}${grep ? `&grep=${encodeURIComponent(grep)}` : ""}${repeat ? `&repeat=${Number(repeat)}` : ""}`
        try {
          const state = await retryOnStall(session, (browser) => runSuite(browser, suite.url[pageKind] + query, label))
          for (const result of state.results) {
            cases.push({
              classname: `${label} ${result.file}${result.suite ? ` > ${result.suite}` : ""}`,
              name: result.name,
              status: result.status,
              ms: result.ms,
              message: result.error,
            })
          }
          if (cases.some((c) => c.status === "failed")) console.log(`  page log:\n${state.logs.slice(-40).join("\n")}`)
          else for (const line of state.logs.filter((entry) => entry.includes("[retried]"))) console.log(`  ${line}`)
        } catch (error) {
          cases.push({
            classname: `${label} suite`,
            name: "the suite page runs",
            status: "failed",
            ms: 0,
            message: String(error?.stack ?? error),
          })
        }
        const fixtureResults = await retryOnStall(session, (browser) =>
          runFixture(browser, fixture[pageKind].url, { isolated, sharedMemory }),
        )
        for (const result of fixtureResults) cases.push({ classname: `${label} fixture app`, ...result })
        for (const c of cases)
          if (c.status === "failed")
            console.log(`  FAIL ${c.classname} > ${c.name}\n    ${String(c.message).split("\n").slice(0, 6).join("\n    ")}`)
        writeJUnit(join(reports, `engines-${label}.xml`), `${browser.name} ${browser.version} (${label})`, cases)
        console.log(`  ${label} (${browser.name} ${browser.version}): ${tally(cases)}`)
        if (cases.some((c) => c.status === "failed")) failed = true
      }
    } finally {
      await session.browser.close()
    }
  }
} finally {
  await Promise.all([suite.close(), fixture.isolated.close(), fixture.open.close()])
}
process.exit(failed ? 1 : 0)
