/** The runtime a bundle targets: which weft adapter its worker entry starts. */
export type WeftRuntime = "web" | "node" | "deno"

/** Options of `weft()`, the same for every bundler. */
export interface WeftBundlerOptions {
  /**
   * The runtime the bundle runs on. Defaults to what the bundler says: esbuild's `platform`,
   * webpack's and Rspack's `target`, Vite's `build.ssr`. Rollup cannot tell: pass `"node"` for
   * a Node (or Bun) bundle there.
   */
  readonly runtime?: WeftRuntime
  /** The folder searched for modules that call `threadable(...)`. Defaults to the bundler's root (or the working directory). */
  readonly root?: string
  /** Task modules to put in the worker entry besides those found under `root` (absolute, or relative to `root`). */
  readonly tasks?: readonly string[]
  /** The emitted worker entry's name, without extension. Default `"weft-worker"`. */
  readonly workerName?: string
}
