import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import madge from "madge"
import { describe, expect, test } from "vitest"

const src = fileURLToPath(new URL("../src", import.meta.url))
const MAX_LINES = 400

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : []
  })
}

describe("core's shape", () => {
  test("no import cycle (type-only imports included)", async () => {
    const graph = await madge(src, { fileExtensions: ["ts"], tsConfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) })
    expect(graph.circular()).toEqual([])
  })

  test(`no file over ${MAX_LINES} lines`, () => {
    const long = sourceFiles(src)
      .map((path) => ({ path: path.slice(src.length + 1), lines: readFileSync(path, "utf8").split("\n").length }))
      .filter((file) => file.lines > MAX_LINES)
    expect(long).toEqual([])
  })

  test("the public entry exports no adapter-only name; @weft/core/adapter has them", async () => {
    const adapterOnly = [
      "setRuntime",
      "hasRuntime",
      "serveWorker",
      "discardSpareWorker",
      "registerShareable",
      "markSharedInUse",
      "toShared",
    ]
    const publicNames = Object.keys(await import("../src/index.js"))
    expect(publicNames.filter((name) => adapterOnly.includes(name))).toEqual([])
    const adapterNames = Object.keys(await import("../src/adapter.js"))
    expect(adapterOnly.filter((name) => !adapterNames.includes(name))).toEqual([])
  })
})
