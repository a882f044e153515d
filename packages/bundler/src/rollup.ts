// `plugins: [weft()]` for rollup: see the package README.
import { createRollupPlugin } from "unplugin"
import { weftFactory } from "./plugin.js"

/** weft's rollup plugin: stable task keys, an emitted worker entry, one copy of core per thread. */
const weft = createRollupPlugin(weftFactory)
export default weft
export type { WeftBundlerOptions, WeftRuntime } from "./options.js"
