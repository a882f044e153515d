// `plugins: [weft()]` for webpack: see the package README.
import { createWebpackPlugin } from "unplugin"
import { weftFactory } from "./plugin.js"

/** weft's webpack plugin: stable task keys, an emitted worker entry, one copy of core per thread. */
const weft = createWebpackPlugin(weftFactory)
export default weft
export type { WeftBundlerOptions, WeftRuntime } from "./options.js"
