// The plugin for every bundler unplugin supports; the subpaths (`@weft/bundler/vite`, ...) are
// the documented entries.
import { createUnplugin } from "unplugin"
import { weftFactory } from "./plugin.js"

export const weftUnplugin = createUnplugin(weftFactory)
export type { WeftBundlerOptions, WeftRuntime } from "./options.js"
export { addTaskKeys, findThreadableCalls } from "./task-keys.js"
