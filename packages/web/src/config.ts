import { discardSpareWorker } from "@weft/core/adapter"
import type { WebConfig } from "./options.js"

let config: WebConfig = {}

/** Sets adapter-wide options; call it at start-up, before the first thread starts. */
export function configureWeb(options: WebConfig): void {
  if (options.createWorker !== undefined && typeof options.createWorker !== "function") {
    throw new TypeError("configureWeb({ createWorker }) takes a function returning a module Worker")
  }
  config = { ...config, ...options }
  // A spare worker booted under the old settings would run the old entry.
  discardSpareWorker()
}

export function currentConfig(): WebConfig {
  return config
}
