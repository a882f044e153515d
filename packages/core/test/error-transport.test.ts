import { describe, expect, test } from "vitest"
import { callerStackOf, deserializeThrown, newCallerSite, serializeThrown } from "../src/error-transport.js"
import { ThreadExitError } from "../src/errors.js"
import { threadable } from "../src/registry.js"

const roundTrip = (value: unknown) => deserializeThrown(structuredClone(serializeThrown(value)))

class DomainError extends Error {
  override name = "DomainError"
}
threadable("test:errors", DomainError)
function notAnError() {}
threadable("test:errors", notAnError)

describe("error transport", () => {
  test("built-in classes, name, message, code, cause chain and AggregateError.errors survive", () => {
    const inner = new RangeError("inner")
    const error = Object.assign(new TypeError("outer", { cause: inner }), { code: "E_X" })
    const back = roundTrip(error) as TypeError & { code: string; cause: RangeError }
    expect(back).toBeInstanceOf(TypeError)
    expect(back.message).toBe("outer")
    expect(back.code).toBe("E_X")
    expect(back.cause).toBeInstanceOf(RangeError)
    const agg = roundTrip(new AggregateError([new Error("a"), 2], "many")) as AggregateError
    expect(agg).toBeInstanceOf(AggregateError)
    expect(agg.errors[0]).toBeInstanceOf(Error)
    expect(agg.errors[1]).toBe(2)
  })

  test("registered classes and the library's errors keep their class", () => {
    expect(roundTrip(new DomainError("d"))).toBeInstanceOf(DomainError)
    const exit = roundTrip(new ThreadExitError("gone", 3)) as ThreadExitError
    expect(exit).toBeInstanceOf(ThreadExitError)
    expect(exit.exitCode).toBe(3)
  })

  test("a thrown non-error crosses as itself", () => {
    expect(roundTrip(42)).toBe(42)
    expect(roundTrip({ a: [1] })).toEqual({ a: [1] })
  })

  test("a throwing getter loses only what it guards", () => {
    const error = new Error("x")
    Object.defineProperty(error, "code", {
      enumerable: true,
      get: () => {
        throw new Error("getter")
      },
    })
    Object.defineProperty(error, "detail", { enumerable: true, value: 7 })
    const back = roundTrip(error) as Error & { detail: number }
    expect(back.message).toBe("x")
    expect(back.detail).toBe(7)
    expect("code" in back).toBe(false)
  })

  test("a throwing message getter, a revoked Proxy: an error that says what happened, never an exception", () => {
    const error = new Error("x")
    Object.defineProperty(error, "message", {
      get: () => {
        throw new Error("no message")
      },
    })
    expect(roundTrip(error)).toBeInstanceOf(Error)
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    const back = roundTrip(proxy) as TypeError
    expect(back).toBeInstanceOf(TypeError)
    expect(back.message).toMatch(/could not be sent/)
  })

  test("an own constructor that is not a class is not trusted as one", () => {
    const error = Object.defineProperty(new Error("x"), "constructor", { value: Object.prototype.toString })
    const back = roundTrip(error) as Error
    expect(back).toBeInstanceOf(Error)
    expect(back.message).toBe("x")
    expect(roundTrip(Object.assign(new TypeError("y"), { constructor: 1 }))).toBeInstanceOf(TypeError)
  })

  test.each([
    ["null", null],
    ["a string", "nope"],
    ["no $error flag", { name: "x" }],
    ["an inherited built-in name", { $error: true, name: "E", message: "m", builtin: "toString", hasCause: false, props: {} }],
    ["a key naming a registered non-error", { $error: true, name: "E", message: "m", key: "notAnError", hasCause: false, props: {} }],
    ["garbage fields", { $error: true, name: 5, message: {}, props: "x", errors: "y", hasCause: true }],
  ])("a malformed record (%s) rebuilds as an error, never throws", (_, wire) => {
    const back = deserializeThrown(wire)
    expect(back).toBeInstanceOf(Error)
    expect(Object.getPrototypeOf(back)).not.toBe(notAnError.prototype)
  })

  test("a cause chain deeper than the limit ends, it does not recurse forever", () => {
    let error: Error = new Error("root")
    for (let i = 0; i < 100; i++) error = new Error(`level ${i}`, { cause: error })
    expect(roundTrip(error)).toBeInstanceOf(Error)
  })

  test("callerStackOf: the site's frames below the two of weft that made it, under the label", () => {
    function callersCode() {
      return (function publicMethod() {
        return newCallerSite("thread a@b started at") // an "@" in the label is not a frame
      })()
    }
    const formatted = callerStackOf(callersCode())!
    const lines = formatted.split("\n")
    expect(lines[0]).toBe("    --- thread a@b started at ---")
    expect(lines[1]).toMatch(/^\s+at callersCode /)
    expect(formatted).not.toMatch(/newCallerSite|publicMethod/)
    expect(lines.slice(1).every((line) => /^\s+at /.test(line))).toBe(true)
    expect(callerStackOf(new Error(), "given label")!.split("\n")[0]).toBe("    --- given label ---")
    expect(callerStackOf(undefined, "x")).toBeUndefined()
  })
})
