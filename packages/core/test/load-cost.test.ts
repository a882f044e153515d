import { expect, test } from "vitest"

// Every worker evaluates core when it starts, so whatever core's modules build at load time is
// paid by each new thread. Compiling a Unicode-property pattern (\p{...}) is the costly kind:
// two of them took ~1.6 ms of every Deno worker's start.
test("loading core compiles no Unicode-property RegExp", async () => {
  const built: string[] = []
  const Original = globalThis.RegExp
  globalThis.RegExp = new Proxy(Original, {
    construct(target, args: [string | RegExp, string?]) {
      built.push(String(args[0]))
      return Reflect.construct(target, args)
    },
  })
  try {
    await import("../src/index.js")
    await import("../src/adapter.js")
  } finally {
    globalThis.RegExp = Original
  }
  expect(built.filter((source) => source.includes("\\p{"))).toEqual([])
})
