// The plugin, written once on unplugin. Per bundler it differs only in how the worker entry is
// emitted and how the adapter's literal points at it:
// - Vite and webpack/Rspack bundle `new Worker(new URL("./file", import.meta.url))` themselves,
//   so the literal points at the generated file and they emit it as a worker (Vite dev serves it);
// - esbuild gets the generated file as one more entry point, Rollup as an emitted chunk, and
//   the literal points at the output file next to the bundle (Node, Bun, Deno and the browser).
import { readFileSync } from "node:fs"
import { isAbsolute, dirname, basename, extname, relative, resolve, sep } from "node:path"
import type { UnpluginFactory, UnpluginOptions } from "unplugin"
import { adapterOf, rewriteAdapter } from "./adapter-rewrite.js"
import type { WeftBundlerOptions, WeftRuntime } from "./options.js"
import { findTaskModules, importsWeft } from "./scan.js"
import { addTaskKeys, mayRegisterTasks } from "./task-keys.js"
import { relativeSpecifier, writeWorkerEntry, type WorkerEntry } from "./worker-entry.js"

/** weft's own packages: they call threadable() for nothing a project registers. */
const WEFT_PACKAGE = /[\\/](?:@weft[\\/][\w-]+|weftjs|weft|packages[\\/](?:core|web|node|deno|weft))[\\/]dist[\\/]/

/** Every package whose copy of core must be the one a worker loads: never pre-bundled by Vite. */
export const WEFT_PACKAGES = ["@weft/core", "@weft/web", "@weft/node", "@weft/deno", "weftjs"]

export interface PluginState {
  root: string
  runtime: WeftRuntime | undefined
  entry: WorkerEntry | undefined
}

function posixPath(path: string): string {
  return path.split(sep).join("/")
}

/** Key prefix for a module: its path from the project root, so page and worker agree. */
export function modulePathKey(root: string, id: string): string {
  const file = id.split("?")[0]!
  const rel = posixPath(relative(root, file))
  return rel.startsWith("..") ? posixPath(file) : rel
}

export function keyTransform(state: PluginState, code: string, id: string): { code: string; map: null } | undefined {
  if (!mayRegisterTasks(code) || WEFT_PACKAGE.test(id) || !importsWeft(code)) return undefined
  const keyed = addTaskKeys(code, modulePathKey(state.root, id))
  return keyed && { code: keyed.code, map: null }
}

export function ensureEntry(state: PluginState, options: WeftBundlerOptions, outDirs: readonly string[] = []): WorkerEntry {
  const runtime = state.runtime ?? "web"
  const extra = (options.tasks ?? []).map((file) => (isAbsolute(file) ? file : resolve(state.root, file)))
  const found = findTaskModules(
    state.root,
    outDirs.map((dir) => resolve(state.root, dir)),
  )
  const tasks = [...new Set([...found, ...extra])].sort()
  state.entry = writeWorkerEntry(state.root, runtime, tasks)
  return state.entry
}

/** The expression the adapter's literal becomes, per bundler. */
type EntryUrl = (adapterId: string, entry: WorkerEntry) => string

function adapterTransform(state: PluginState, options: WeftBundlerOptions, code: string, id: string, entryUrl: EntryUrl) {
  const adapter = adapterOf(id)
  if (adapter === undefined) return undefined
  const entry = state.entry ?? ensureEntry(state, options)
  const rewritten = rewriteAdapter(code, adapter, entryUrl(id, entry))
  return rewritten === undefined ? undefined : { code: rewritten, map: null }
}

function isNodeTarget(target: unknown): boolean {
  const targets = Array.isArray(target) ? target : [target]
  return targets.some((t) => typeof t === "string" && /^(?:async-)?node|^electron-main/.test(t))
}

/** Beside the bundle: `./weft-worker.js`, resolved against the chunk that holds the adapter. */
const besideBundle =
  (file: string): EntryUrl =>
  () =>
    `new URL(${JSON.stringify(`./${file}`)}, import.meta.url)`

/** The generated file itself, for bundlers that follow `new URL(..., import.meta.url)`. */
const generatedFile: EntryUrl = (adapterId, entry) =>
  `new URL(${JSON.stringify(relativeSpecifier(dirname(adapterId.split("?")[0]!), entry.file))}, import.meta.url)`

export const weftFactory: UnpluginFactory<WeftBundlerOptions | undefined, false> = (userOptions = {}, meta) => {
  const options = userOptions
  const workerName = options.workerName ?? "weft-worker"
  const state: PluginState = { root: resolve(options.root ?? process.cwd()), runtime: options.runtime, entry: undefined }
  let entryUrl: EntryUrl = generatedFile

  const plugin: UnpluginOptions = {
    name: "weft",
    enforce: "pre",
    // A task module added or removed while watching (vite dev, watch mode): the entry follows.
    watchChange(id) {
      if (state.entry === undefined || WEFT_PACKAGE.test(id) || id.includes(`${sep}node_modules${sep}`)) return
      const known = state.entry.taskModules.includes(id)
      let registers = false
      try {
        const code = readFileSync(id, "utf8")
        registers = mayRegisterTasks(code) && importsWeft(code)
      } catch {}
      if (known !== registers) ensureEntry(state, options)
    },
    transform: {
      filter: { id: { exclude: [/\0/] } },
      handler(code, id) {
        return adapterTransform(state, options, code, id, entryUrl) ?? keyTransform(state, code, id)
      },
    },
    rollup: {
      buildStart() {
        if (meta.framework !== "rollup") return
        const entry = ensureEntry(state, options)
        const ref = this.emitFile({ type: "chunk", id: entry.file, name: workerName, preserveSignature: false })
        entryUrl = () => `new URL(import.meta.ROLLUP_FILE_URL_${ref})`
      },
    },
    vite: {
      config(config) {
        // One copy of core per thread in `vite dev`: a pre-bundled copy for the page's imports
        // and another for the worker's would split the registry.
        const optimizeDeps = (config.optimizeDeps ??= {})
        optimizeDeps.exclude = [...new Set([...(optimizeDeps.exclude ?? []), ...WEFT_PACKAGES])]
        const worker = (config.worker ??= {})
        worker.format ??= "es"
        // Vite bundles workers with these plugins, not the page's: the worker needs the same keys.
        const userWorkerPlugins = worker.plugins
        worker.plugins = () => [...(userWorkerPlugins?.() ?? []), viteWorkerSide(state)]
      },
      configResolved(config) {
        state.root = resolve(options.root ?? config.root)
        state.runtime ??= config.build.ssr ? "node" : "web"
        ensureEntry(state, options, [config.build.outDir])
      },
    },
    esbuild: {
      config(build) {
        state.root = resolve(options.root ?? build.absWorkingDir ?? process.cwd())
        state.runtime ??= build.platform === "node" ? "node" : "web"
        const outDir = build.outdir ?? (build.outfile ? dirname(build.outfile) : undefined)
        const entry = ensureEntry(state, options, outDir ? [outDir] : [])
        addEsbuildEntry(build, entry.file, workerName)
        const ext = build.outExtension?.[".js"] ?? ".js"
        entryUrl = besideBundle(`${workerName}${ext}`)
      },
    },
    webpack(compiler) {
      state.root = resolve(options.root ?? compiler.context)
      state.runtime ??= isNodeTarget(compiler.options.target) ? "node" : "web"
      ensureEntry(state, options, [compiler.options.output.path ?? "dist"])
    },
    rspack(compiler) {
      state.root = resolve(options.root ?? compiler.context)
      state.runtime ??= isNodeTarget(compiler.options.target) ? "node" : "web"
      ensureEntry(state, options, [compiler.options.output.path ?? "dist"])
    },
  }
  return plugin
}

type EsbuildEntryPoints = string[] | Record<string, string> | { in: string; out: string }[]

/** One more esbuild entry point, the worker entry, named `workerName` in the output folder. */
function addEsbuildEntry(build: { entryPoints?: unknown; outfile?: string; outdir?: string }, file: string, workerName: string): void {
  let entryPoints = (build.entryPoints ?? []) as EsbuildEntryPoints
  if (build.outfile !== undefined) {
    // Two outputs need an output folder: the page keeps its file name.
    const [first] = Array.isArray(entryPoints) ? entryPoints : Object.values(entryPoints)
    const input = typeof first === "string" ? first : (first as { in: string }).in
    entryPoints = [{ in: input, out: basename(build.outfile, extname(build.outfile)) }]
    build.outdir = dirname(build.outfile)
    delete build.outfile
  }
  if (Array.isArray(entryPoints)) {
    const entries = entryPoints as (string | { in: string; out: string })[]
    if (!entries.some((entry) => entry === file || (typeof entry === "object" && entry.in === file)))
      entries.push({ in: file, out: workerName })
    build.entryPoints = entries
  } else {
    build.entryPoints = { ...entryPoints, [workerName]: file }
  }
}

/**
 * The plugin inside Vite's worker builds: the same keys as the page, and a nested thread starts
 * on the worker's own script (the emitted entry), because Vite refuses a worker that bundles itself.
 */
function viteWorkerSide(state: PluginState) {
  return {
    name: "weft:worker",
    enforce: "pre" as const,
    transform(code: string, id: string) {
      const adapter = adapterOf(id)
      if (adapter !== undefined) {
        const rewritten = rewriteAdapter(code, adapter, "new URL(globalThis.location.href)")
        return rewritten === undefined ? undefined : { code: rewritten, map: null }
      }
      return keyTransform(state, code, id)
    },
  }
}
