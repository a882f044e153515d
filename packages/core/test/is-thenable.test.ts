// biome-ignore-all lint/suspicious/noThenProperty: thenables are what this test builds.
import { expect, test } from "vitest"
import { isThenable } from "../src/is-thenable.js"

test("isThenable: promises and objects or functions with a callable then; nothing else", () => {
  expect(isThenable(Promise.resolve(1))).toBe(true)
  expect(isThenable({ then: () => {} })).toBe(true)
  expect(isThenable(Object.assign(() => {}, { then: () => {} }))).toBe(true)
  for (const value of [null, undefined, 0, "then", { then: 1 }, () => {}, {}]) expect(isThenable(value)).toBe(false)
})
