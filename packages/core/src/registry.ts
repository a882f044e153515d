import { bakedPathProblem, notRegisteredProblem, pageChunkProblem, twoCopiesProblem } from "./bundle-diagnostics.js"
import { libraryErrors, ThreadTargetError } from "./errors.js"
import { trackTaskImport } from "./task-import-guard.js"

// One registry per thread. A worker that meets an unknown key imports the module URL that
// registered it; the module's top-level threadable(...) call then registers it here too.

interface Entry {
  readonly key: string
  readonly url: string
  readonly value: unknown
}

const byKey = new Map<string, Entry>()
const keyByValue = new WeakMap<object, string>()
const loading = new Map<string, Promise<unknown>>()
const RESERVED = "weft:"

/** Options of `threadable()`. */
export interface ThreadableOptions {
  /** The key the target is found by in other threads. Defaults to its `name`; set it for anonymous or minified code. */
  readonly name?: string
}

/**
 * Registers a function, a plain class or a `Thread` subclass so other threads can find it by key,
 * and returns it unchanged. Call it at the top level of the module that defines the value, with
 * that module's `import.meta.url`.
 */
export function threadable<T extends Function>(moduleUrl: string, value: T, options: ThreadableOptions = {}): T {
  if (typeof value !== "function") {
    throw new TypeError(`threadable() takes a function or a class, got ${describe(value)}`)
  }
  if (typeof moduleUrl !== "string" || moduleUrl === "") {
    throw new TypeError("threadable() needs the module's URL as its first argument: threadable(import.meta.url, fn)")
  }
  const key = options.name ?? value.name
  if (typeof key !== "string" || key === "" || key === "default") {
    throw new TypeError(
      `threadable() cannot key ${key === "default" ? 'a value named "default"' : "an anonymous value"}: pass a name, threadable(import.meta.url, fn, { name: "myTask" })`,
    )
  }
  if (key.startsWith(RESERVED)) {
    throw new TypeError(`threadable(): keys starting with "${RESERVED}" are reserved for weft itself ("${key}")`)
  }
  register(key, moduleUrl, value)
  return value
}

function register(key: string, url: string, value: object): void {
  const existing = byKey.get(key)
  if (existing !== undefined && existing.value !== value && existing.url !== url) {
    throw new TypeError(`threadable(): the key "${key}" is already taken by ${existing.url}; give one of them another name with { name }`)
  }
  byKey.set(key, { key, url, value })
  keyByValue.set(value, key)
}

for (const [name, ErrorClass] of Object.entries(libraryErrors)) register(`${RESERVED}${name}`, "weft:core", ErrorClass)

/** The key and module URL a value was registered under, if any. */
export function registrationOf(value: unknown):
  | {
      /** The key it is found by in other threads. */
      key: string
      /** The URL of the module that registered it. */
      url: string
    }
  | undefined {
  if ((typeof value !== "function" && typeof value !== "object") || value === null) return undefined
  const key = keyByValue.get(value)
  if (key === undefined) return undefined
  const entry = byKey.get(key)
  return entry && { key, url: entry.url }
}

/** The value registered under `key` in this thread, or `undefined`. */
export function lookup(key: string): unknown {
  return byKey.get(key)?.value
}

export type ModuleImporter = (url: string) => Promise<unknown>

/** Finds a registered value, importing its module first when this thread has not seen the key. */
export async function resolveRegistered(key: string, url: string, importer: ModuleImporter): Promise<unknown> {
  const found = byKey.get(key)
  if (found !== undefined) return found.value
  const baked = bakedPathProblem(key, url)
  if (baked !== undefined) throw new ThreadTargetError(baked)
  let pending = loading.get(url)
  if (pending === undefined) {
    pending = trackTaskImport(url, () => importer(url))
    loading.set(url, pending)
    pending.catch(() => loading.delete(url))
  }
  try {
    await pending
  } catch (error) {
    throw new ThreadTargetError(
      pageChunkProblem(key, url, error) ??
        `could not load ${url} to find "${key}": ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    )
  }
  const loaded = byKey.get(key)
  if (loaded === undefined) throw new ThreadTargetError(twoCopiesProblem(key, url) ?? notRegisteredProblem(key, url))
  return loaded.value
}

export function describe(value: unknown): string {
  if (value === null) return "null"
  if (typeof value === "function") return value.name ? `function ${value.name}` : "an anonymous function"
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "no prototype"})`
  return typeof value
}
