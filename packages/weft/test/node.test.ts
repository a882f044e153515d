// "weftjs" on Node: the `node` condition picks @weft/node, and the other conditions map as documented.
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, test } from "vitest"
import { checkLockAndPool, checkThread } from "./fixtures/check-weft.ts"

describe("weft on Node", () => {
  test("import { Thread } from 'weftjs' runs a thread on @weft/node", async () => {
    await checkThread("node")
  })

  test("Lock and ThreadPool from 'weftjs' work across Node threads", async () => {
    await checkLockAndPool("node")
  })

  test.each([
    ["node", "dist/node.js"],
    ["bun", "dist/node.js"],
    ["deno", "dist/deno.js"],
    ["browser", "dist/browser.js"],
  ])("the %s condition resolves to %s", (condition, file) => {
    const extra = condition === "node" ? [] : [`--conditions=${condition}`]
    const result = spawnSync(process.execPath, [...extra, "--input-type=module", "-e", 'console.log(import.meta.resolve("weftjs"))'], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      encoding: "utf8",
    })
    expect(result.stderr).toBe("")
    expect(result.stdout.trim()).toBe(new URL(`../${file}`, import.meta.url).href)
  })
})
