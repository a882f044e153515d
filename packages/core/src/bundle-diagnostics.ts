// Messages for the ways a bundled app loses a registered target in a worker. Each names the
// cause and the fix; the fix is @weft/bundler's plugin or the manual worker entry.
import { coreCopies } from "./core-copies.js"

const PLUGIN_FIX =
  "add @weft/bundler's plugin to the build (plugins: [weft()]), or bundle a worker entry that imports weft's worker side and then your task modules, and hand it to weft (configureWeb({ createWorker }) in a browser)"

/** The page's URL scheme in a browser or browser-like worker; undefined in Node and Deno CLIs. */
function pageProtocol(): string | undefined {
  const location = (globalThis as { location?: { protocol?: string } }).location
  return typeof location?.protocol === "string" ? location.protocol : undefined
}

/**
 * A `file://` module URL in a thread served over http(s): the bundler baked the build machine's
 * path in place of `import.meta.url` (webpack and Rspack do), and no browser can load it.
 */
export function bakedPathProblem(key: string, url: string): string | undefined {
  const protocol = pageProtocol()
  if (!url.startsWith("file:") || protocol === undefined || protocol === "file:") return undefined
  return `"${key}" was registered from ${url}, a path on the machine that built the bundle (webpack and Rspack put it in place of import.meta.url), which this thread cannot load: ${PLUGIN_FIX}`
}

/** A module that failed to load because it needs the page (document, window): a chunk of the page's bundle. */
export function pageChunkProblem(key: string, url: string, error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error)
  if (!(error instanceof ReferenceError) || !/\b(document|window|localStorage|sessionStorage|alert)\b/.test(message)) return undefined
  return `could not load ${url} to find "${key}": ${message}. That file is a chunk of the page's bundle, not a module a worker can run: the bundler merged the task module into the page's code. Fix: ${PLUGIN_FIX}`
}

/** The module loaded, but the key was registered with another copy of core in this thread. */
export function twoCopiesProblem(key: string, url: string): string | undefined {
  const { self, others } = coreCopies()
  if (others.length === 0) return undefined
  return `${url} was loaded but "${key}" is not in this registry: this thread has two copies of weft's core, ${self} and ${others.join(" and ")}, and each keeps its own registry. Load one copy per thread: ${PLUGIN_FIX}; with Vite's dev server, the plugin (or optimizeDeps.exclude for weft's packages) keeps the dev server from pre-bundling a second copy`
}

/** The module loaded and registered nothing under the key, and nothing else explains it. */
export function notRegisteredProblem(key: string, url: string): string {
  return `${url} was loaded but did not register "${key}": call threadable(import.meta.url, ${key}) at that module's top level. If that file is a bundle rather than your module, the bundler renamed or moved the task: ${PLUGIN_FIX}`
}
