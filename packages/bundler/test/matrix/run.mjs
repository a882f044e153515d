// Runs a built cell: a page in one shared Chromium, or a Node program.
import { spawn } from "node:child_process"
import { join } from "node:path"
import { distRoot } from "./builds.mjs"

/** Opens `url`, waits until the app reports, and returns its results (or the page's errors). */
export async function runPage(browser, url, timeout = 60_000) {
  const page = await browser.newPage()
  const errors = []
  page.on("pageerror", (error) => errors.push(String(error)))
  try {
    await page.goto(url)
    await page.waitForFunction(() => document.title === "done", null, { timeout })
    return { results: await page.evaluate(() => globalThis.weftResults), errors }
  } catch (error) {
    return { results: undefined, errors: [...errors, String(error)] }
  } finally {
    await page.close()
  }
}

/** Runs `node main.mjs` in a Node cell's output; resolves with its parsed JSON line. */
export function runNode(cell, timeout = 60_000) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(distRoot, cell, "main.mjs")], {
      cwd: join(distRoot, cell),
      stdio: ["ignore", "pipe", "pipe"],
    })
    let out = ""
    let err = ""
    child.stdout.on("data", (chunk) => (out += chunk))
    child.stderr.on("data", (chunk) => (err += chunk))
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout)
    child.on("exit", (code, signal) => {
      clearTimeout(timer)
      let results
      try {
        results = JSON.parse(out.trim().split("\n").at(-1) ?? "")
      } catch {}
      resolve({ results, code, signal, stderr: err, stdout: out })
    })
  })
}

// Vite's dev server can answer a module's first request while its dependency optimizer is still
// settling ("Failed to fetch dynamically imported module" in the page or in a worker's import).
// That is the dev server warming up, not the app: such a page is loaded once more, and says so.
const devServerWarmingUp = /Failed to fetch dynamically imported module/

/** runPage for a page served by Vite's dev server: a load that met its optimizer mid-run is retried once. */
export async function runDevPage(browser, url, timeout = 60_000) {
  const first = await runPage(browser, url, timeout)
  if (!devServerWarmingUp.test(JSON.stringify(first))) return first
  console.log(`  ${url}: the dev server was still optimizing dependencies; loading the page once more`)
  return runPage(browser, url, timeout)
}
