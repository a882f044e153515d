// Every cell of the bundler matrix: the example app built by one tool, with the plugin
// ("plugin"), with the documented manual worker entry ("manual"), or with neither ("bare", the
// failure modes). Shared by the matrix test and the benchmark. Each build goes to
// test/example/dist/<cell>; browser cells get an index.html there.
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { nodeResolve } from "@rollup/plugin-node-resolve"
import { rspack } from "@rspack/core"
import { build as esbuild } from "esbuild"
import { rollup } from "rollup"
import { build as viteBuild, createServer } from "vite"
import webpack from "webpack"
import weftEsbuild from "../../dist/esbuild.js"
import weftRollup from "../../dist/rollup.js"
import weftRspack from "../../dist/rspack.js"
import weftVite from "../../dist/vite.js"
import weftWebpack from "../../dist/webpack.js"

export const root = fileURLToPath(new URL("../example/", import.meta.url))
export const distRoot = join(root, "dist")

export const isolationHeaders = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cache-Control": "no-store",
}

const browserMain = { plugin: "src/main.js", manual: "src/main-manual.js", bare: "src/main-bare.js" }
const nodeMain = { plugin: "src/node-main.js", manual: "src/node-main-manual.js" }
const html = { plugin: "index.html", manual: "manual.html", bare: "bare.html" }

function pageHtml(script) {
  return `<!doctype html>\n<html><head><meta charset="utf-8" /><title>weft example</title></head>\n<body><pre id="out"></pre><script type="module" src="./${script}"></script></body></html>\n`
}

function freshDir(cell) {
  const dir = join(distRoot, cell)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  return dir
}

/** Warnings that matter: everything but notes on the machine's speed and bundle size. */
const relevant = (messages) => messages.map(String).filter((m) => !/size limit|performance|exceed|PLUGIN_TIMINGS/i.test(m))

async function buildVite(cell, mode) {
  const warnings = []
  const dir = freshDir(cell)
  await viteBuild({
    root,
    configFile: false,
    logLevel: "silent",
    cacheDir: join(root, "node_modules", `.vite-${cell}`),
    plugins: mode === "plugin" ? [weftVite()] : [],
    worker: { format: "es" },
    customLogger: collectingLogger(warnings),
    // Relative asset URLs: the matrix serves every cell from its own folder.
    base: "./",
    build: { outDir: dir, emptyOutDir: true, target: "es2022", rollupOptions: { input: join(root, html[mode]) } },
  })
  return { page: html[mode], warnings: relevant(warnings) }
}

function collectingLogger(warnings) {
  return {
    info() {},
    warn: (message) => warnings.push(message),
    warnOnce: (message) => warnings.push(message),
    error: (message) => warnings.push(message),
    clearScreen() {},
    hasErrorLogged: () => false,
    hasWarned: false,
  }
}

/** A Vite dev server on the example (the caller closes it). */
export async function startViteDev(cell, mode) {
  const server = await createServer({
    root,
    configFile: false,
    logLevel: "silent",
    cacheDir: join(root, "node_modules", `.vite-${cell}`),
    plugins: mode === "plugin" ? [weftVite()] : [],
    worker: { format: "es" },
    // Workspace links are served as source; an installed weft is pre-bundled. Without the
    // plugin, pre-bundle it as Vite does for a package from the registry.
    optimizeDeps: mode === "plugin" ? {} : { include: ["weftjs", "weftjs/worker"] },
    server: { headers: isolationHeaders, host: "127.0.0.1", port: 0, strictPort: false, hmr: false, watch: null },
  })
  await server.listen()
  return { server, url: `${server.resolvedUrls.local[0]}${html[mode]}` }
}

function webpackLike(compile, plugin, esm, extraOptimization = {}) {
  return async (cell, mode) => {
    const dir = freshDir(cell)
    const config = {
      mode: process.env.MATRIX_WEBPACK_MODE ?? "production",
      context: root,
      entry: { main: `./${browserMain[mode]}` },
      output: { path: dir, filename: "[name].js", chunkFilename: "[name]-[contenthash].js", module: esm, publicPath: "auto" },
      experiments: esm ? { outputModule: true } : {},
      target: "web",
      devtool: false,
      performance: { hints: false },
      // Chunk names from their modules, so the benchmark finds the worker entry.
      optimization: { chunkIds: "named", ...extraOptimization },
      plugins: mode === "plugin" ? [plugin()] : [],
    }
    const stats = await new Promise((resolve, reject) => compile(config, (error, result) => (error ? reject(error) : resolve(result))))
    const info = stats.toJson({ all: false, errors: true, warnings: true })
    if (stats.hasErrors()) throw new Error(info.errors.map((e) => e.message).join("\n"))
    writeFileSync(join(dir, "index.html"), pageHtml("main.js"))
    return { page: "index.html", warnings: relevant(info.warnings.map((w) => w.message)) }
  }
}

const buildWebpack = webpackLike((config, done) => webpack(config, done), weftWebpack, false)
// A worker that starts nested threads names its own chunk, and its chunk imports the adapter's:
// Rspack cannot hash such a cycle by content (webpack can).
const buildRspack = webpackLike((config, done) => rspack(config, done), weftRspack, false, { realContentHash: false })

async function buildRollup(cell, mode, target = "browser") {
  const dir = freshDir(cell)
  const warnings = []
  const node = target === "node"
  const input = node ? { main: join(root, nodeMain[mode]) } : { main: join(root, browserMain[mode]) }
  if (!node && mode === "manual") input["weft-worker"] = join(root, "src/weft-worker.js")
  const bundle = await rollup({
    input,
    external: node ? (id) => id.startsWith("node:") || (mode === "manual" && /^weftjs(\/|$)/.test(id)) : undefined,
    plugins: [
      nodeResolve(node ? { exportConditions: ["node"], preferBuiltins: true } : { browser: true }),
      ...(mode === "plugin" ? [weftRollup(node ? { root, runtime: "node" } : { root })] : []),
    ],
    onwarn: (warning) => warnings.push(warning.message),
  })
  await bundle.write({
    dir,
    format: "es",
    entryFileNames: node ? "[name].mjs" : "[name].js",
    chunkFileNames: node ? "[name]-[hash].mjs" : "[name]-[hash].js",
  })
  await bundle.close()
  if (!node) writeFileSync(join(dir, "index.html"), pageHtml("main.js"))
  return { page: "index.html", main: "main.mjs", warnings: relevant(warnings) }
}

async function buildEsbuild(cell, mode, target = "browser") {
  const dir = freshDir(cell)
  const node = target === "node"
  const entryPoints = { main: node ? nodeMain[mode] : browserMain[mode] }
  if (!node && mode === "manual") entryPoints["weft-worker"] = "src/weft-worker.js"
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints,
    bundle: true,
    format: "esm",
    platform: node ? "node" : "browser",
    target: "es2022",
    outdir: dir,
    outExtension: node ? { ".js": ".mjs" } : undefined,
    minify: !node,
    // The manual Node recipe keeps weft (and every package) external.
    packages: node && mode === "manual" ? "external" : undefined,
    plugins: mode === "plugin" ? [weftEsbuild()] : [],
    logLevel: "silent",
  })
  if (!node) writeFileSync(join(dir, "index.html"), pageHtml("main.js"))
  return { page: "index.html", main: "main.mjs", warnings: relevant(result.warnings.map((w) => w.text)) }
}

/** The matrix: tool × mode, browser cells and Node cells. */
export const cells = [
  { id: "vite-dev-plugin", tool: "Vite (dev server)", mode: "plugin", kind: "dev" },
  { id: "vite-dev-manual", tool: "Vite (dev server)", mode: "manual", kind: "dev" },
  { id: "vite-build-plugin", tool: "Vite (build)", mode: "plugin", kind: "browser", build: (id) => buildVite(id, "plugin") },
  { id: "vite-build-manual", tool: "Vite (build)", mode: "manual", kind: "browser", build: (id) => buildVite(id, "manual") },
  { id: "webpack-plugin", tool: "webpack 5", mode: "plugin", kind: "browser", build: (id) => buildWebpack(id, "plugin") },
  { id: "webpack-manual", tool: "webpack 5", mode: "manual", kind: "browser", build: (id) => buildWebpack(id, "manual") },
  { id: "rollup-plugin", tool: "Rollup 4", mode: "plugin", kind: "browser", build: (id) => buildRollup(id, "plugin") },
  { id: "rollup-manual", tool: "Rollup 4", mode: "manual", kind: "browser", build: (id) => buildRollup(id, "manual") },
  { id: "esbuild-plugin", tool: "esbuild", mode: "plugin", kind: "browser", build: (id) => buildEsbuild(id, "plugin") },
  { id: "esbuild-manual", tool: "esbuild", mode: "manual", kind: "browser", build: (id) => buildEsbuild(id, "manual") },
  { id: "rspack-plugin", tool: "Rspack", mode: "plugin", kind: "browser", build: (id) => buildRspack(id, "plugin") },
  { id: "rspack-manual", tool: "Rspack", mode: "manual", kind: "browser", build: (id) => buildRspack(id, "manual") },
  { id: "node-esbuild-plugin", tool: "esbuild (Node)", mode: "plugin", kind: "node", build: (id) => buildEsbuild(id, "plugin", "node") },
  { id: "node-esbuild-manual", tool: "esbuild (Node)", mode: "manual", kind: "node", build: (id) => buildEsbuild(id, "manual", "node") },
  { id: "node-rollup-plugin", tool: "Rollup 4 (Node)", mode: "plugin", kind: "node", build: (id) => buildRollup(id, "plugin", "node") },
  { id: "node-rollup-manual", tool: "Rollup 4 (Node)", mode: "manual", kind: "node", build: (id) => buildRollup(id, "manual", "node") },
]

/** Builds without the plugin or a worker entry: each must fail with a message naming cause and fix. */
export const failureCells = [
  { id: "vite-build-bare", tool: "Vite (build)", build: (id) => buildVite(id, "bare") },
  { id: "webpack-bare", tool: "webpack 5", build: (id) => buildWebpack(id, "bare") },
]

export const builders = { buildVite, buildWebpack, buildRspack, buildRollup, buildEsbuild }
