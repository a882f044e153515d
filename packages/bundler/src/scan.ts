// Finds the task modules of a project: source files that call `threadable(...)` and import
// weft. They go into the worker entry, so a worker knows every key without importing a chunk of
// the page (and the page's start-up code with it).
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { mayRegisterTasks } from "./task-keys.js"

const SOURCE = /\.(?:[cm]?[jt]sx?)$/
const DECLARATION = /\.d\.[cm]?ts$/
// Dependencies, build output and tool caches: never a task module of this project.
const SKIP_DIRS = new Set(["node_modules", "dist", "build", "out", "coverage", "bower_components", "__tests__"])
// Test files register tasks for their tests, not for the app.
const TEST_FILE = /\.(?:test|spec)\.[cm]?[jt]sx?$/
const MAX_FILES = 20_000

/** True when the source imports a weft package (`weftjs`, `weft`, `@weft/...`). */
export function importsWeft(code: string): boolean {
  return /\bfrom\s*["'](?:weftjs|@weft\/[\w-]+)(?:\/[\w./-]*)?["']|\bimport\s*\(\s*["'](?:weftjs|@weft\/[\w-]+)["']/.test(code)
}

/** Absolute paths of the files under `root` that register tasks, sorted for a stable entry. */
export function findTaskModules(root: string, skip: readonly string[] = []): string[] {
  const found: string[] = []
  let seen = 0
  const skipped = new Set(skip)
  const walk = (dir: string): void => {
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      if (++seen > MAX_FILES) return
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        if (entry.name.startsWith(".") || SKIP_DIRS.has(entry.name) || skipped.has(path)) continue
        walk(path)
      } else if (entry.isFile() && SOURCE.test(entry.name) && !DECLARATION.test(entry.name) && !TEST_FILE.test(entry.name)) {
        const code = readFileSync(path, "utf8")
        if (mayRegisterTasks(code) && importsWeft(code)) found.push(path)
      }
    }
  }
  walk(root)
  return found.sort()
}

/** Which weft package the task modules import, so the worker entry starts the same copy. */
export function adapterPackage(taskModules: readonly string[], runtime: string): string {
  const imported = new Set<string>()
  for (const file of taskModules) {
    for (const match of readFileSync(file, "utf8").matchAll(/\bfrom\s*["'](weftjs|@weft\/(?:web|node|deno))["']/g)) imported.add(match[1]!)
  }
  if (imported.has(`@weft/${runtime}`)) return `@weft/${runtime}`
  if (imported.has("weftjs")) return "weftjs"
  return `@weft/${runtime}`
}
