// `plugins: [weft()]` for esbuild: see the package README.
import { createEsbuildPlugin } from "unplugin"
import { weftFactory } from "./plugin.js"

/** weft's esbuild plugin: stable task keys, an emitted worker entry, one copy of core per thread. */
const weft = createEsbuildPlugin(weftFactory)
export default weft
export type { WeftBundlerOptions, WeftRuntime } from "./options.js"
