// How the tests and the benchmark launch Debian's Chromium and serve pages (see TOOLCHAIN.md).
export const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium"

export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]

/** Makes a page cross-origin isolated, so SharedArrayBuffer exists. */
export const isolationHeaders = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
}
