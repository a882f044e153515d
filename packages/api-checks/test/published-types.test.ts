// The built .d.ts of @weft/core, @weft/web and the cross-runtime entry, compiled as a web page's
// project compiles them: lib ES2022 + DOM, no @types/node, libraries checked (no skipLibCheck).
import { execFileSync } from "node:child_process"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"
import { describe, expect, test } from "vitest"

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
const project = fileURLToPath(new URL("./fixtures/page/tsconfig.json", import.meta.url))

/** Runs tsc on the page project; returns its diagnostics ("" when it compiles). */
function compile(...extra: string[]): string {
  try {
    return execFileSync(process.execPath, [tsc, "-p", project, ...extra], { encoding: "utf8" })
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string }
    return `${stdout ?? ""}${stderr ?? ""}` || String(error)
  }
}

describe("published types in a browser project", () => {
  test("compile with lib ES2022 + DOM (no esnext.disposable)", () => {
    expect(compile()).toBe("")
  })

  test("compile where the lib already declares Disposable (ESNext + DOM)", () => {
    expect(compile("--lib", "esnext,dom")).toBe("")
  })

  test("pull in no Node types", () => {
    const files = compile("--listFilesOnly").split("\n").filter(Boolean)
    expect(files.some((file) => file.includes("/packages/web/dist/"))).toBe(true)
    expect(files.some((file) => file.includes("/packages/weft/dist/browser.d.ts"))).toBe(true)
    expect(files.filter((file) => file.includes("@types/node"))).toEqual([])
  })
})
