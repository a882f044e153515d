// weft in Chromium: Thread round trip and a pool of tiny tasks against raw postMessage to a Web
// Worker, on the same page in the same run. Builds bench/web-page with Vite, serves it with
// COOP/COEP (vite preview), drives Debian's Chromium through playwright, prints ratios.
import { fileURLToPath } from "node:url"
import { chromium } from "playwright"
import { build, preview } from "vite"
import { chromiumArgs, executablePath, isolationHeaders } from "../packages/web/test/chromium.mjs"
import { ensureChromium } from "../scripts/setup.mjs"
import { median, printTable, us } from "./report.mjs"

if (!ensureChromium()) {
  console.log(`Chromium is not at ${executablePath} and apt could not install it: the browser benchmark is skipped`)
  process.exit(0)
}

const root = fileURLToPath(new URL("./web-page/", import.meta.url))
const rounds = Number(process.env.ROUNDS ?? 40)
const tasks = Number(process.env.TASKS ?? 5000)
const workers = 2
const config = {
  root,
  configFile: false,
  logLevel: "warn",
  resolve: {
    alias: {
      "@weft/web/worker": fileURLToPath(new URL("../packages/web/dist/worker.js", import.meta.url)),
      "@weft/web": fileURLToPath(new URL("../packages/web/dist/index.js", import.meta.url)),
    },
  },
  worker: { format: "es" },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  preview: { headers: isolationHeaders, host: "127.0.0.1", port: 0 },
}

await build(config)
const server = await preview(config)
const browser = await chromium.launch({ executablePath, args: chromiumArgs })
try {
  const page = await browser.newPage()
  page.on("pageerror", (error) => console.error("page error:", error))
  await page.goto(server.resolvedUrls.local[0])
  await page.waitForFunction(() => document.title === "ready")
  const version = browser.version()
  const r = await page.evaluate((options) => globalThis.runBench(options), { rounds, tasks, workers })
  if (!r.isolated) throw new Error("the bench page is not cross-origin isolated")
  const rows = [
    {
      name: "Thread round trip (start → join, spare worker) vs new Worker + postMessage",
      weft: median(r.weft.thread),
      baseline: median(r.raw.thread),
      format: us,
      target: "≤ 1.1×",
    },
    {
      name: "Thread round trip (cold: fresh worker) vs new Worker + postMessage",
      weft: median(r.weft.cold),
      baseline: median(r.raw.thread),
      format: us,
      target: "≤ 1.1×",
    },
  ]
  if (r.hasPool) {
    rows.push(
      {
        name: "pool task, one at a time (submit → result) vs postMessage round trip",
        weft: median(r.weft.task),
        baseline: median(r.raw.message),
        format: us,
        target: "≤ 2×",
      },
      {
        name: `${tasks} tiny tasks at once on ${workers} workers, per task`,
        weft: median(r.weft.burst),
        baseline: median(r.raw.burst),
        format: us,
        target: "≤ 2×",
      },
    )
  }
  printTable(`weft vs raw Web Workers in Chromium ${version} (medians; ${rounds} rounds)`, rows)
  if (!r.hasPool) console.log("(ThreadPool is not exported by @weft/core yet: the pool rows are skipped)")
} finally {
  await browser.close()
  await server.close()
}
