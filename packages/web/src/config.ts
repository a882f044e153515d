import type { WebConfig } from "./options.js"

let config: WebConfig = {}
let generation = 0

/** Sets adapter-wide options; call it at start-up, before the first thread starts. */
export function configureWeb(options: WebConfig): void {
  if (options.createWorker !== undefined && typeof options.createWorker !== "function") {
    throw new TypeError("configureWeb({ createWorker }) takes a function returning a module Worker")
  }
  config = { ...config, ...options }
  generation++
}

export function currentConfig(): WebConfig {
  return config
}

/** Bumped by every configureWeb(): a spare worker booted before it is restarted on first use. */
export function configGeneration(): number {
  return generation
}
