// What cannot go through Redis is refused with the path to it; what can is never refused.
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import { Lock } from "@weft/node"
import { unsendable } from "../src/wire.js"

const RUNS = Number(process.env.WEFT_PROPERTY_RUNS ?? 200)

class Point {
  constructor(readonly x: number) {}
}

describe("unsendable", () => {
  test("names the path to what cannot be sent, however deep", () => {
    expect(unsendable({ a: { b: [1, 2, () => 1] } }, "args[0]")).toMatch(/^args\[0\]\.a\.b\[2\] is a function/)
    expect(unsendable({ "odd key": Symbol("s") }, "args[1]")).toMatch(/^args\[1\]\["odd key"\] is a symbol/)
    expect(unsendable(new Map([["k", new SharedArrayBuffer(8)]]), "args[0]")).toMatch(/^args\[0\]\.get\("k"\) is a SharedArrayBuffer/)
    expect(unsendable(new Map([[() => 1, 1]]), "args[0]")).toMatch(/^args\[0\] key #0 is a function/)
    expect(unsendable(new Set([1, new Point(1)]), "args[2]")).toMatch(/^args\[2\] item #1 is an instance of Point/)
    expect(unsendable([{ data: new Int32Array(new SharedArrayBuffer(8)) }], "the result")).toMatch(
      /^the result\[0\]\.data is a Int32Array over shared memory/,
    )
    expect(unsendable({ lock: new Lock() }, "args[0]")).toMatch(/^args\[0\]\.lock is a weft Lock, a shared-memory primitive/)
  })

  test("the first refused value is the one named, in order of keys, items and entries", () => {
    expect(unsendable([1, { x: [() => 1] }, Symbol("later")], "args[0]")).toMatch(/^args\[0\]\[1\]\.x\[0\] is a function/)
    expect(
      unsendable(
        new Map<unknown, unknown>([
          [1, 2],
          [3, () => 4],
        ]),
        "v",
      ),
    ).toMatch(/^v\.get\(3\) is a function/)
  })

  test("a cycle of sendable data is not refused", () => {
    const cycle: Record<string, unknown> = { n: 1 }
    cycle.self = cycle
    expect(unsendable(cycle, "args[0]")).toBeUndefined()
  })

  test("plain data of any shape is never refused", () => {
    const data = fc.anything({ maxDepth: 3, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true })
    fc.assert(
      fc.property(data, (value) => unsendable(value, "args[0]") === undefined),
      { numRuns: RUNS },
    )
  })
})
