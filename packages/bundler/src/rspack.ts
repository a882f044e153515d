// `plugins: [weft()]` for rspack: see the package README.
import { createRspackPlugin } from "unplugin"
import { weftFactory } from "./plugin.js"

/** weft's rspack plugin: stable task keys, an emitted worker entry, one copy of core per thread. */
const weft = createRspackPlugin(weftFactory)
export default weft
export type { WeftBundlerOptions, WeftRuntime } from "./options.js"
