// The keys the plugin writes into task modules: module path + binding, explicit names kept.
import { describe, expect, test } from "vitest"
import { addTaskKeys, findThreadableCalls } from "../src/task-keys.js"

describe("addTaskKeys", () => {
  test("keys a registration by module path and the binding it is assigned to", () => {
    const code = `import { threadable } from "weftjs"\nexport const fib = threadable(import.meta.url, function fib(n) { return n })\n`
    const keyed = addTaskKeys(code, "src/tasks.js")!
    expect(keyed.keys).toEqual(["src/tasks.js#fib"])
    expect(keyed.code).toContain(`threadable(import.meta.url, function fib(n) { return n }, { name: "src/tasks.js#fib" })`)
  })

  test("an identifier argument names the binding: a class registered after its declaration", () => {
    const keyed = addTaskKeys(`class Resizer {}\nthreadable(import.meta.url, Resizer)\n`, "src/a.ts")!
    expect(keyed.keys).toEqual(["src/a.ts#Resizer"])
    expect(keyed.code).toContain(`threadable(import.meta.url, Resizer, { name: "src/a.ts#Resizer" })`)
  })

  test("an explicit name wins: the generated key is spread first", () => {
    const keyed = addTaskKeys(`export const f = threadable(import.meta.url, (n) => n, { name: "mine" })`, "src/a.js")!
    expect(keyed.code).toBe(`export const f = threadable(import.meta.url, (n) => n, { name: "src/a.js#f", ...({ name: "mine" }) })`)
    // Evaluated, the caller's name is the one that counts.
    const explicit: { name?: string } = { name: "mine" }
    expect({ name: "src/a.js#f", ...explicit }.name).toBe("mine")
  })

  test("an anonymous arrow keeps working, and the key survives renaming by a minifier", () => {
    const keyed = addTaskKeys(`export const triple = threadable(import.meta.url, (n) => n * 3)`, "src/t.js")!
    expect(keyed.keys).toEqual(["src/t.js#triple"])
  })

  test("strings, comments, templates and TypeScript types are skipped", () => {
    const code = [
      `// threadable(import.meta.url, notThis)`,
      `const s = "threadable(import.meta.url, norThis)"`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text holding a template literal
      "const t = `${threadable}(x)`",
      `export const sum: Task = threadable(import.meta.url, (a: number, b: number): number => a + b /* ) */)`,
    ].join("\n")
    const calls = findThreadableCalls(code)
    expect(calls.map((call) => call.binding)).toEqual(["sum"])
    expect(addTaskKeys(code, "src/x.ts")!.code).toContain(`/* ) */, { name: "src/x.ts#sum" })`)
  })

  test("a module without registrations is left alone", () => {
    expect(addTaskKeys(`import { threadable } from "weftjs"\nexport function threadable2() {}`, "a.js")).toBeUndefined()
  })
})

describe("findTaskModules", () => {
  test("finds the example app's task modules, not its start-up code, build output or dependencies", async () => {
    const { findTaskModules } = await import("../src/scan.js")
    const root = new URL("./example/", import.meta.url).pathname
    expect(findTaskModules(root).map((file) => file.slice(root.length))).toEqual(["src/tasks-unnamed.js", "src/tasks.js"])
  })
})
