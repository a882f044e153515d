import { fileURLToPath } from "node:url"
import { defineConfig } from "vite"

// SharedArrayBuffer (the shared image, Queue, Lock) needs a cross-origin-isolated page, so both
// the dev server and `vite preview` (the production build) send COOP/COEP.
const headers = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
}

export default defineConfig({
  root: fileURLToPath(new URL("./web", import.meta.url)),
  logLevel: "warn",
  // Module workers, so weft's worker entry and the demo's can import chunks.
  worker: { format: "es" },
  build: { outDir: "../dist/web", emptyOutDir: true, target: "es2022" },
  server: { headers },
  preview: { headers, host: "127.0.0.1" },
})
