// Firefox and WebKit for the engine runs (see TOOLCHAIN.md): Debian's firefox-esr driven by
// puppeteer-core over WebDriver BiDi, and WebKitGTK's MiniBrowser driven by selenium-webdriver
// through WebKitWebDriver under Xvfb. Both behind one small Page interface. Every helper process
// runs in a process group of its own, killed when this process exits however it exits.
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { createServer } from "node:net"

export const firefoxPath = process.env.FIREFOX_PATH || "/usr/bin/firefox-esr"
export const webkitDriverPath = process.env.WEBKIT_DRIVER_PATH || "/usr/bin/WebKitWebDriver"
export const miniBrowserPath = process.env.MINIBROWSER_PATH || "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"

/**
 * The engine configurations. `sharedArrayBuffer`: whether the engine has it on an isolated page.
 * WebKitGTK has none (even with COOP/COEP); JSC_useSharedArrayBuffer=1 turns it on, standing in
 * for Safari (it also turns it on for pages that are not isolated, so that one runs isolated only).
 */
export const configurations = [
  { id: "firefox", engine: "firefox", sharedArrayBuffer: true, pages: ["isolated", "open"] },
  { id: "webkit", engine: "webkit", sharedArrayBuffer: false, pages: ["isolated", "open"] },
  { id: "webkit-sab", engine: "webkit", sharedArrayBuffer: true, env: { JSC_useSharedArrayBuffer: "1" }, pages: ["isolated"] },
]

/** Why an engine cannot run on this machine, or undefined. */
export function missing(engine) {
  if (engine === "firefox") return existsSync(firefoxPath) ? undefined : `${firefoxPath} is not installed (apt-get install firefox-esr)`
  for (const file of [webkitDriverPath, miniBrowserPath, "/usr/bin/xvfb-run"])
    if (!existsSync(file)) return `${file} is not installed (apt-get install webkit2gtk-driver xvfb xauth)`
  return undefined
}

const groups = new Set()
function killGroups() {
  for (const pid of groups) {
    try {
      process.kill(-pid, "SIGKILL")
    } catch {}
  }
  groups.clear()
}
process.on("exit", killGroups)
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
  ["SIGHUP", 129],
]) {
  process.on(signal, () => {
    killGroups()
    process.exit(code)
  })
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Launches a configuration's browser: { name, version, open(url), close() }. */
export async function launch(configuration) {
  return configuration.engine === "firefox" ? launchFirefox() : launchWebKit(configuration.env ?? {})
}

async function launchFirefox() {
  const { default: puppeteer } = await import("puppeteer-core")
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: firefoxPath,
    headless: true,
    // Its own process group, so a run cut short leaves no Firefox behind.
    detached: true,
    extraPrefsFirefox: { "network.proxy.type": 0, "app.update.enabled": false, "browser.shell.checkDefaultBrowser": false },
  })
  const pid = browser.process()?.pid
  if (pid) groups.add(pid)
  const version = (await browser.version()).replace(/^firefox\//i, "")
  return {
    name: "Firefox",
    version,
    async open(url) {
      const page = await browser.newPage()
      await page.goto(url, { waitUntil: "domcontentloaded" })
      return {
        evaluate: (fn, ...args) => page.evaluate(fn, ...args),
        async waitFor(fn, timeout, ...args) {
          await page.waitForFunction(fn, { timeout, polling: 250 }, ...args)
        },
        close: () => page.close(),
      }
    },
    async close() {
      await browser.close().catch(() => {})
      if (pid) {
        try {
          process.kill(-pid, "SIGKILL")
        } catch {}
        groups.delete(pid)
      }
    },
  }
}

async function waitForDriver(port, child) {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${child.exitCode}`)
    try {
      const response = await fetch(`http://127.0.0.1:${port}/status`)
      if (response.ok) return
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error("WebKitWebDriver did not answer within 20 s")
}

/**
 * A driver that stops answering altogether (seen with WebKitWebDriver under heavy load, once in
 * about ten pages, the page itself long finished) is reported as a DriverStalledError instead of
 * hanging the run; retryOnStall() then relaunches the browser and tries once more.
 */
class DriverStalledError extends Error {
  name = "DriverStalledError"
}

function stalled(promise, ms, what) {
  let timer
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new DriverStalledError(`the browser's driver did not answer ${what} within ${ms / 1000} s`)), ms)
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

/**
 * The browser is gone rather than the page wrong: its driver stalled, or the driver lost the
 * session (WebKitGTK's MiniBrowser has quit under load with the page already finished).
 */
export function browserLost(error) {
  if (error?.name === "DriverStalledError" || error?.name === "NoSuchSessionError") return true
  return error?.name === "WebDriverError" && /session (deleted|not created|is gone)|invalid session id/i.test(error.message ?? "")
}

/**
 * Runs body(browser) on session.browser; if the browser is lost (see browserLost), relaunches it
 * and runs body once more, saying so in the log. session: { configuration, browser }.
 */
export async function retryOnStall(session, body) {
  try {
    return await body(session.browser)
  } catch (error) {
    if (!browserLost(error)) throw error
    console.log(`  ${error.name}: ${error.message}: relaunching ${session.browser.name} and trying once more`)
    await session.browser.close()
    session.browser = await launch(session.configuration)
    return await body(session.browser)
  }
}

/** A WebDriver command that timed out is retried by the caller's loop; anything else is thrown. */
function retryOnTimeout(error) {
  if (error?.name === "TimeoutError" || error?.name === "ScriptTimeoutError") return undefined
  throw error
}

const scriptAttemptMs = 10_000
const commandStallMs = scriptAttemptMs + 30_000

async function launchWebKit(extraEnv) {
  const { Builder } = await import("selenium-webdriver")
  const port = await freePort()
  // xvfb-run -a picks a free display; the driver starts MiniBrowser, which starts WebKit's
  // processes: all in this group. The environment reaches the web process (JSC_* options).
  const child = spawn(
    "xvfb-run",
    ["-a", "-s", "-screen 0 1280x1024x24 -nolisten tcp", webkitDriverPath, `--port=${port}`, "--host=127.0.0.1"],
    {
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, ...extraEnv },
    },
  )
  let stderr = ""
  child.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)))
  groups.add(child.pid)
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGKILL")
    } catch {}
    groups.delete(child.pid)
  }
  let driver
  try {
    await waitForDriver(port, child)
    driver = await new Builder()
      .usingServer(`http://127.0.0.1:${port}`)
      .withCapabilities({
        browserName: "MiniBrowser",
        pageLoadStrategy: "eager",
        "webkitgtk:browserOptions": { binary: miniBrowserPath, args: ["--automation"] },
      })
      .build()
  } catch (error) {
    stop()
    throw new Error(`WebKit did not start: ${error.message}\n${stderr}`)
  }
  // A page busy on its main thread (the demo's serial render) answers late, more so on a loaded
  // machine, and the driver then times out a command: open() and waitFor() retry until their
  // callers' deadlines. WebKitWebDriver also now and then never answers a script sent while the
  // page was busy, or the end of a page load, although the page has long finished: short
  // timeouts and polling recover in seconds instead of the minute each lost answer cost.
  await driver.manage().setTimeouts({ script: scriptAttemptMs, pageLoad: scriptAttemptMs })
  const capabilities = await driver.getCapabilities()
  const script = (fn) => `return (${fn}).apply(null, arguments)`
  return {
    name: "WebKitGTK",
    version: String(capabilities.get("browserVersion") ?? "?"),
    async open(url) {
      await stalled(driver.get(url), commandStallMs, `loading ${url}`).catch(retryOnTimeout)
      const evaluate = async (fn, ...args) => {
        const deadline = Date.now() + 60_000
        for (;;) {
          try {
            return await stalled(driver.executeScript(script(fn), ...args), commandStallMs, "a script")
          } catch (error) {
            retryOnTimeout(error)
            if (Date.now() > deadline) throw error
          }
        }
      }
      return {
        evaluate,
        async waitFor(fn, timeout, ...args) {
          const deadline = Date.now() + timeout
          // Polled from here: WebKitWebDriver has no waitForFunction.
          while (!(await evaluate(fn, ...args).catch(retryOnTimeout))) {
            if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${fn}`)
            await new Promise((resolve) => setTimeout(resolve, 250))
          }
        },
        close: () => stalled(driver.get("about:blank"), commandStallMs, "closing a page"),
      }
    },
    async close() {
      await stalled(driver.quit(), commandStallMs, "quit").catch(() => {})
      stop()
    },
  }
}
