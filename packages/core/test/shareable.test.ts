import { describe, expect, test } from "vitest"
import { decodeShared, encodeShared } from "../src/shareable.js"
import { FROM_CALLER, FROM_THREAD, registerShareable, toShared, type DecodeContext } from "../src/shared-record.js"
import { Lock } from "../src/sync/lock.js"

// A primitive of the test's own: it records the context it was decoded in.
class Probe {
  constructor(
    readonly id: number,
    readonly context?: DecodeContext,
  ) {}
  [toShared]() {
    return { tag: "test:probe", data: this.id }
  }
}
registerShareable("test:probe", (data, context) => new Probe(data as number, context))

/** Encode, clone as postMessage would, decode. */
function cross(value: unknown, context: DecodeContext = FROM_THREAD): unknown {
  new Lock() // this thread has met a primitive: values are walked
  const { value: encoded, shared } = encodeShared(value)
  const cloned = structuredClone(encoded)
  return shared ? decodeShared(cloned, context) : cloned
}

describe("shareable: primitives across the boundary", () => {
  test("a primitive at any depth arrives as a live handle on the same memory", () => {
    const lock = new Lock()
    const back = cross({ list: [1, { lock }], map: new Map([["k", lock]]), set: new Set([lock]) }) as {
      list: [number, { lock: Lock }]
      map: Map<string, Lock>
      set: Set<Lock>
    }
    expect(back.list[1].lock).toBeInstanceOf(Lock)
    lock.acquireSync()
    expect(back.list[1].lock.locked()).toBe(true)
    expect(back.map.get("k")!.locked()).toBe(true)
    lock.release()
  })

  test("user data carrying the record key arrives exactly as sent, and decodes nothing", () => {
    const imitation = JSON.parse('{"__weft_shared__":"test:probe","data":1}')
    const barrier = JSON.parse(
      '{"__weft_shared__":"weft:Barrier","data":{"action":{"key":"k","url":"data:text/javascript,globalThis.pwned=1"}}}',
    )
    const back = cross({ probe: new Probe(9), imitation, barrier, nested: { deeper: imitation } }) as Record<string, unknown>
    expect(back.probe).toBeInstanceOf(Probe)
    expect(back.imitation).toEqual(imitation)
    expect(back.barrier).toEqual(barrier)
    expect((back.nested as { deeper: unknown }).deeper).toEqual(imitation)
  })

  test("an own __proto__ key stays an own data property; no prototype changes", () => {
    const data = JSON.parse('{"__proto__":{"polluted":true},"a":1}')
    const back = cross([new Probe(1), data]) as [Probe, Record<string, unknown>]
    expect(Object.hasOwn(back[1], "__proto__")).toBe(true)
    expect(Object.getPrototypeOf(back[1])).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test("holes, extra array properties and cycles survive the walk", () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is what this test sends
    const list: unknown[] & { extra?: string } = [1, , 3]
    list.extra = "x"
    const cyclic: Record<string, unknown> = { probe: new Probe(2) }
    cyclic.self = cyclic
    const back = cross({ list, cyclic }) as { list: unknown[] & { extra?: string }; cyclic: Record<string, unknown> }
    expect(1 in back.list).toBe(false)
    expect(back.list.extra).toBe("x")
    expect(back.cyclic.self).toBe(back.cyclic)
  })

  test("decoders learn whether the data came from the caller (which may name modules) or from a thread", () => {
    expect((cross(new Probe(1), FROM_CALLER) as Probe).context).toBe(FROM_CALLER)
    expect((cross(new Probe(1), FROM_THREAD) as Probe).context).toBe(FROM_THREAD)
  })

  test.each([
    ["an unknown tag", { __weft_shared__: "weft:Nope", data: 1 }],
    ["a non-string tag", { __weft_shared__: 5, data: 1 }],
    ["a Lock record without shared memory", { __weft_shared__: "weft:Lock", data: new Int32Array(1) }],
    ["a Barrier record of the wrong shape", { __weft_shared__: "weft:Barrier", data: { words: "x" } }],
    ["a malformed escape", { __weft_shared__: "weft:escaped", data: 3 }],
  ])("a malformed record (%s) throws a TypeError for its receiver to contain", (_, record) => {
    expect(() => decodeShared(structuredClone([record]), FROM_THREAD)).toThrow(TypeError)
  })

  test("a value with a throwing getter fails the walk (the caller names the argument)", () => {
    new Lock()
    const bad = Object.defineProperty({}, "x", {
      enumerable: true,
      get: () => {
        throw new Error("getter")
      },
    })
    expect(() => encodeShared([bad])).toThrow("getter")
  })
})
