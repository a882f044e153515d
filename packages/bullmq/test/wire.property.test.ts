// What crosses to another machine, for any value: it comes back as a structured clone would copy
// it, through JSON when JSON keeps it exactly and through msgpack otherwise.
import { isDeepStrictEqual } from "node:util"
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import { decodeValue, encodeValue } from "../src/wire.js"

const RUNS = Number(process.env.WEFT_PROPERTY_RUNS ?? 200)

/** Plain data JSON keeps: finite numbers (not -0), strings, booleans, null, arrays and plain objects of those. */
const jsonData = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    fc.string({ unit: "binary" }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: "binary" }), tie("value"), { maxKeys: 5, noNullPrototype: true }),
  ),
})).value

/**
 * Anything a structured clone copies: adds undefined, -0, NaN, bigint, Date, Map, Set, typed
 * arrays. Not array holes: msgpack gives undefined for them (asserted below), and -0 comes back 0.
 */
const cloneable = fc.anything({
  // msgpackr renames an own "__proto__" key (its guard against prototype changes): asserted below
  key: fc.string().filter((key) => key !== "__proto__"),
  maxDepth: 3,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: false,
  withNullPrototype: false,
  withObjectString: false,
  withBoxedValues: false,
})

/**
 * `value` as it compares: every -0 (outside typed arrays) made 0, since msgpack keeps no sign on
 * zero, and an invalid Date made a string, since no invalid Date deep-equals another.
 */
function comparable(value: unknown): unknown {
  if (Object.is(value, -0)) return 0
  if (value instanceof Date && Number.isNaN(value.getTime())) return "Invalid Date"
  if (Array.isArray(value)) return value.map(comparable)
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [comparable(k), comparable(v)]))
  if (value instanceof Set) return new Set([...value].map(comparable))
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]))
  return value
}

describe("wire: encodeValue / decodeValue", () => {
  test("plain JSON data goes as JSON and comes back equal", () => {
    fc.assert(
      fc.property(jsonData, (value) => {
        const text = encodeValue(value)
        expect(text.startsWith("~")).toBe(true)
        expect(isDeepStrictEqual(decodeValue(text), value)).toBe(true)
      }),
      { numRuns: RUNS },
    )
  })

  test("anything a structured clone copies comes back as structuredClone() gives it", () => {
    fc.assert(
      fc.property(cloneable, (value) => {
        expect(isDeepStrictEqual(comparable(decodeValue(encodeValue(value))), comparable(structuredClone(value)))).toBe(true)
      }),
      { numRuns: RUNS },
    )
  })

  test("what JSON would change goes as msgpack: undefined, a shared object, a cycle, -0, holes", () => {
    const shared = { n: 1 }
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    const holed = [1, 2, 3]
    delete holed[1]
    for (const value of [[undefined], { a: undefined }, [shared, shared], cyclic, 2n, new Date(0), NaN, -0, holed]) {
      expect(encodeValue(value).startsWith("~")).toBe(false)
    }
    for (const value of [[undefined], { a: undefined }, [shared, shared], 2n, new Date(0), NaN]) {
      expect(isDeepStrictEqual(decodeValue(encodeValue(value)), structuredClone(value))).toBe(true)
    }
    // msgpack's own limits, as before JSON was used at all: -0 comes back 0, a hole undefined.
    expect(Object.is(decodeValue(encodeValue(-0)), 0)).toBe(true)
    expect(decodeValue(encodeValue(holed))).toEqual([1, undefined, 3])
    // An own "__proto__" key never changes what the decoded object is: JSON keeps it as a key.
    const hostile = JSON.parse('{"__proto__": {"polluted": true}}') as object
    const back = decodeValue(encodeValue(hostile)) as Record<string, unknown>
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype)
    expect(Object.keys(back)).toEqual(["__proto__"])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    const [first, second] = decodeValue(encodeValue([shared, shared])) as object[]
    expect(first).toBe(second) // still one object, as a structured clone keeps it
    const again = decodeValue(encodeValue(cyclic)) as Record<string, unknown>
    expect(again.self).toBe(again)
  })
})
