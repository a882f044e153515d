// `plugins: [weft()]` for vite: see the package README.
import { createVitePlugin } from "unplugin"
import { weftFactory } from "./plugin.js"

/** weft's vite plugin: stable task keys, an emitted worker entry, one copy of core per thread. */
const weft = createVitePlugin(weftFactory)
export default weft
export type { WeftBundlerOptions, WeftRuntime } from "./options.js"
