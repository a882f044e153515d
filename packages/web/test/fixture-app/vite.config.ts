import { defineConfig } from "vite"

// A small app built the way users build theirs: Vite bundles the page, weft's worker entry and
// the app's own worker entry. Served with COOP/COEP (shared memory) and a CSP without
// 'unsafe-eval', which every response carries, workers included.
export const headers = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Content-Security-Policy": "default-src 'self'; script-src 'self'; worker-src 'self'",
  "Cache-Control": "no-store",
}

export default defineConfig({
  logLevel: "warn",
  worker: { format: "es" },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  preview: { headers, host: "127.0.0.1", port: 0, strictPort: false },
})
