import { describe, expect, test } from "vitest"
import { describeThrown } from "../src/excepthook.js"

describe("excepthook output", () => {
  test("names the error and its message even where the engine's stack holds frames only (Firefox, WebKit)", () => {
    const error = new TypeError("the hook itself failed")
    Object.defineProperty(error, "stack", { value: "hook@file.js:1:1\n" })
    expect(describeThrown(error)).toBe("TypeError: the hook itself failed\nhook@file.js:1:1\n")
  })

  test("keeps a V8 stack, which starts with the name and message, as it is", () => {
    const error = new RangeError("x")
    Object.defineProperty(error, "stack", { value: "RangeError: x\n    at f (file.js:1:1)" })
    expect(describeThrown(error)).toBe("RangeError: x\n    at f (file.js:1:1)")
    expect(describeThrown(42)).toBe("42")
  })
})
