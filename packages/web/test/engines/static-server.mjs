// Serves a built app's directory with the headers a configuration needs (isolated or not).
import { readFile } from "node:fs/promises"
import { createServer } from "node:http"
import { extname, join, normalize } from "node:path"

const types = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
}

/** Resolves to { url, close() } for `dir` served on 127.0.0.1 with `headers` on every response. */
export function serveStatic(dir, headers) {
  const server = createServer(async (request, response) => {
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value)
    const path = normalize(decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname)).replace(/^(\.\.[/\\])+/, "")
    const file = join(dir, path.endsWith("/") ? `${path}index.html` : path)
    try {
      const body = await readFile(file)
      response.setHeader("Content-Type", types[extname(file)] ?? "application/octet-stream")
      response.end(body)
    } catch {
      response.statusCode = 404
      response.end("not found")
    }
  })
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((done) => server.close(() => done())) })
    })
  })
}

/** The isolation headers, and a helper that drops them (the same app served without COOP/COEP). */
export const isolationHeaders = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" }
export function withoutIsolation(headers) {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !(name in isolationHeaders)))
}
