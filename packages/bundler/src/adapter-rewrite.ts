// Points an adapter's built-in worker entry at the emitted one. Each adapter names its entry
// with one literal `new URL("./worker.js", import.meta.url)` (next to its own file); after
// bundling that file is gone, so the plugin swaps the literal for the emitted entry's URL.
import type { WeftRuntime } from "./options.js"

const ADAPTER_FILE = /[\\/](?:@weft[\\/]|packages[\\/])(web|node|deno)[\\/]dist[\\/]index\.js$/

const LITERALS: Record<WeftRuntime, RegExp> = {
  // The browser adapter: the literal inside `new Worker(...)`, the shape bundlers look for.
  web: /new Worker\(new URL\("\.\/worker\.js", import\.meta\.url\), \{ type: "module" \}\)/,
  node: /new URL\("\.\/worker\.js", import\.meta\.url\)/,
  deno: /new URL\(import\.meta\.url\.endsWith\("\.ts"\) \? "\.\/worker\.ts" : "\.\/worker\.js", import\.meta\.url\)/,
}

const MESSAGE_URL = /new URL\("\.\/worker\.js", import\.meta\.url\)\.href/g

/** The adapter a module is, from its path: `@weft/web/dist/index.js` is "web". */
export function adapterOf(id: string): WeftRuntime | undefined {
  return ADAPTER_FILE.exec(id.split("?")[0]!)?.[1] as WeftRuntime | undefined
}

/**
 * Replaces the adapter's entry literal with `entryUrl`, an expression that evaluates to the
 * emitted entry's URL. Returns undefined when the literal is not there (another version of the adapter).
 */
export function rewriteAdapter(code: string, adapter: WeftRuntime, entryUrl: string): string | undefined {
  const literal = LITERALS[adapter]
  if (!literal.test(code)) return undefined
  const replacement = adapter === "web" ? `new Worker(${entryUrl}, { type: "module" })` : entryUrl
  // The web adapter names its entry in a load-failure message too; as a URL, bundlers would emit
  // the file again as an asset.
  return code.replace(literal, () => replacement).replace(MESSAGE_URL, () => JSON.stringify("the worker entry emitted by @weft/bundler"))
}
