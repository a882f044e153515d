// Property-based tests of everything that crosses the thread boundary: arguments, results,
// thrown values, write-back and the Queue codec. For any value, it arrives equal (as structured
// clone would copy it), or the call fails with a clear TypeError naming what could not be sent;
// the caller never crashes, nothing is imported because data said so, and a pool worker survives
// a thrown value it cannot send.
//
// Each channel runs WITHOUT and WITH a Lock travelling in the same call: a primitive switches on
// weft's shared-record walk (sticky per thread), which is where user data carrying weft's own tag
// key could be mistaken for a primitive. The "without" blocks therefore run first in this file,
// before this process has created or received any primitive.
import { isDeepStrictEqual } from "node:util"
import { Lock, Queue, Thread, ThreadExitError, ThreadPool } from "@weft/node"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import {
  echoArgs,
  Holder,
  HostileHolder,
  probe,
  relay,
  returnHostile,
  throwBuiltError,
  throwHostile,
  throwValue,
  hostileValue,
  type ErrorSpec,
  type HostileKind,
} from "./fixtures/boundary-tasks.mjs"
import { type Settled, settleWithin, show, takePwnedMark } from "./settle-harness.js"

/** Runs per property; WEFT_PROPERTY_RUNS raises it for a longer local soak. */
const RUNS = Number(process.env.WEFT_PROPERTY_RUNS ?? 25)
/** A call that has not settled by then is reported as pending (the rule: nothing pends forever). */
const SETTLE_MS = 20_000
const PROPERTY_MS = 120_000

/**
 * The record a Barrier crosses as, imitated by user data: it names a module to import. Each copy
 * names its own URL (a trailing comment), so a module cache cannot hide a second import.
 */
let imitations = 0
const barrierImitation = () =>
  JSON.parse(
    `{"__weft_shared__":"weft:Barrier","data":{"action":{"key":"k","url":"data:text/javascript,globalThis.pwned=1;//${imitations++}"}}}`,
  ) as unknown

/** Fails (once) when data made this thread import a module; the mark is cleared so later runs report their own. */
function expectNotPwnedHere(): void {
  if (takePwnedMark() === undefined) return
  throw new Error("pwned: a module named by data ran in the caller's thread")
}

// --- arbitraries ----------------------------------------------------------------------------

const regExps = fc
  .tuple(fc.string({ maxLength: 6 }), fc.subarray(["g", "i", "m", "s", "u", "y"]))
  .map(([source, flags]) => new RegExp(source.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&"), flags.join("")))

/** Typed arrays fast-check's `withTypedArray` leaves out, DataView and raw buffers. */
const binaryValues = fc.oneof(
  fc.uint8Array({ maxLength: 8 }).map((bytes) => new Uint8ClampedArray(bytes)),
  fc.bigInt64Array({ maxLength: 4 }),
  fc.bigUint64Array({ maxLength: 4 }),
  fc.tuple(fc.uint8Array({ minLength: 4, maxLength: 16 }), fc.nat(3)).map(([bytes, offset]) => new DataView(bytes.buffer, offset)),
  fc.uint8Array({ maxLength: 8 }).map((bytes) => bytes.buffer),
  fc
    .tuple(fc.float64Array({ minLength: 2, maxLength: 4 }), fc.nat(1))
    .map(([floats, offset]) => new Float64Array(floats.buffer, offset * 8, 1)),
)

const errorValues = fc
  .tuple(fc.constantFrom(Error, TypeError, RangeError, SyntaxError, EvalError, URIError, ReferenceError), fc.string({ maxLength: 8 }))
  .map(([ErrorClass, message]) => new ErrorClass(message))

const tagKey = "__weft_shared__"
const tagValues = fc.oneof(
  fc.constantFrom(
    "weft:Barrier",
    "weft:Lock",
    "weft:RLock",
    "weft:Queue",
    "weft:Event",
    "weft:Condition",
    "weft:Semaphore",
    "weft:Nope",
    "",
    "__proto__",
    "toString",
    "constructor",
  ),
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.constant(null),
  fc.constant(undefined),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
)

/** User data carrying weft's own tag key: with a string, object or garbage tag, and the Barrier imitation. */
const taggedData = fc.oneof(
  fc.record({ tag: tagValues, data: fc.jsonValue({ maxDepth: 2 }) }).map(({ tag, data }) => ({ [tagKey]: tag, data })),
  fc.record({ tag: tagValues }).map(({ tag }) => ({ [tagKey]: tag })),
  fc.constant(null).map(barrierImitation),
  fc.constant(null).map(() => JSON.parse(`{"__weft_shared__":"weft:Lock","data":[1,2,3]}`) as unknown),
)

/** Own `__proto__` and `constructor` keys, as JSON.parse makes them. */
const prototypeKeys = fc
  .tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 1 }))
  .map(
    ([proto, ctor]) =>
      JSON.parse(`{"__proto__":${JSON.stringify(proto) ?? "null"},"constructor":${JSON.stringify(ctor) ?? "null"},"x":1}`) as unknown,
  )

const keys = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", tagKey, "data", "prototype", "toString", "then", "$error") },
)

const leaves = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.oneof(
      fc.boolean(),
      fc.integer(),
      fc.double(),
      fc.string(),
      fc.constantFrom(null, undefined, Number.NaN, -0, 0, Infinity, -Infinity),
    ),
  },
  { weight: 1, arbitrary: fc.bigInt() },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }) },
  { weight: 1, arbitrary: regExps },
  { weight: 1, arbitrary: binaryValues },
  { weight: 1, arbitrary: errorValues },
  { weight: 1, arbitrary: taggedData },
  { weight: 1, arbitrary: prototypeKeys },
)

interface AnythingOptions {
  readonly boxed: boolean
}

function anything({ boxed }: AnythingOptions): fc.Arbitrary<unknown> {
  return fc.anything({
    key: keys,
    values: [leaves],
    maxDepth: 3,
    maxKeys: 4,
    withBoxedValues: boxed,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withTypedArray: true,
    withSparseArray: true,
  })
}

/** Wraps a value in a cycle: through an object, an array, a Map and a Set. */
function cyclic(inner: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(inner, fc.constantFrom("object", "array", "map", "set")).map(([value, shape]) => {
    switch (shape) {
      case "object": {
        const node: Record<string, unknown> = { value }
        node.self = node
        return node
      }
      case "array": {
        const node: unknown[] = [value]
        node.push(node, [node])
        return node
      }
      case "map": {
        const node = new Map<unknown, unknown>([["value", value]])
        node.set(node, node)
        return node
      }
      default: {
        const node = new Set<unknown>([value])
        node.add(node)
        return { set: node, again: node }
      }
    }
  })
}

function values(options: AnythingOptions): fc.Arbitrary<unknown> {
  const inner = anything(options)
  return fc.oneof(
    { weight: 4, arbitrary: inner },
    { weight: 1, arbitrary: taggedData },
    { weight: 1, arbitrary: prototypeKeys },
    { weight: 1, arbitrary: cyclic(inner) },
  )
}

const anyValue = values({ boxed: true })

type HostileArgKind = "throwing-getter" | "revoked-proxy" | "error-with-throwing-getter" | "nested-revoked-proxy"

/**
 * An argument that cannot be read whole, hidden at the top or inside ordinary data. The arbitrary
 * yields a description (fast-check prints counterexamples, which would run the getter); the
 * property builds the value. An error's own `code` getter is not read by structured clone, so
 * that kind is cloneable and must go through.
 */
const hostileArgs = fc.record({
  kind: fc.constantFrom<HostileArgKind>("throwing-getter", "revoked-proxy", "error-with-throwing-getter", "nested-revoked-proxy"),
  filler: anything({ boxed: false }),
  nest: fc.boolean(),
})

function buildHostileArg({ kind, filler, nest }: { kind: HostileArgKind; filler: unknown; nest: boolean }): unknown {
  const { proxy, revoke } = Proxy.revocable({}, {})
  revoke()
  let bad: unknown
  switch (kind) {
    case "throwing-getter":
      bad = Object.defineProperty({ ok: 1 }, "boom", {
        enumerable: true,
        get: () => {
          throw new Error("getter boom")
        },
      })
      break
    case "revoked-proxy":
      bad = proxy
      break
    case "error-with-throwing-getter":
      bad = Object.defineProperty(new Error("e"), "code", {
        enumerable: true,
        get: () => {
          throw new Error("code boom")
        },
      })
      break
    case "nested-revoked-proxy":
      bad = { list: [1, { deep: proxy }] }
  }
  return nest ? { filler, inner: [filler, bad] } : bad
}

function cloneable(value: unknown): boolean {
  try {
    structuredClone(value)
    return true
  } catch {
    return false
  }
}

/** Field names for write-back, including the prototype-sensitive ones. */
const fieldNames = fc.oneof(
  { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 6 }).filter((key) => key !== "set" && key !== "ping") },
  { weight: 2, arbitrary: fc.constantFrom("__proto__", "constructor", tagKey, "toString", "hasOwnProperty", "valueOf") },
)

const errorSpecs: fc.Arbitrary<ErrorSpec> = fc.record({
  kind: fc.constantFrom("Error", "TypeError", "RangeError", "SyntaxError"),
  message: fc.string({ maxLength: 12 }),
  props: fc.dictionary(
    fc
      .oneof(fc.string({ minLength: 1, maxLength: 5 }), fc.constantFrom("code", "__proto__", "constructor", tagKey, "$error", "errno"))
      .filter((key) => !["name", "message", "stack", "cause", "errors"].includes(key)),
    anything({ boxed: true }),
    { maxKeys: 3 },
  ),
})

// --- helpers -----------------------------------------------------------------------------

/** Settles a call, or fails the test when it is still pending after SETTLE_MS. */
const settle = settleWithin(SETTLE_MS)

/** The comparison: what structuredClone makes of the input, deep-strict equal (prototypes, -0, holes, own `__proto__`). */
function expectArrivedEqual(actual: unknown, expected: unknown, what: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`${what}: arrived different\n  sent (as structured clone copies it): ${show(expected)}\n  arrived: ${show(actual)}`)
  }
}

function expectValueOrClearError<T>(result: Settled<T>, expected: unknown, read: (value: T) => unknown, what: string): void {
  if (result.ok) {
    expectArrivedEqual(read(result.value), expected, what)
    return
  }
  throw new Error(`${what}: failed although the value can be structured-cloned: ${show(result.error)}`)
}

function expectArgsError(error: unknown, index: number, what: string): void {
  if (!(error instanceof TypeError) || !error.message.includes(`args[${index}]`)) {
    throw new Error(`${what}: expected a TypeError naming args[${index}], got ${show(error)}`)
  }
}

function expectLock(value: unknown, what: string): void {
  if (!(value instanceof Lock)) throw new Error(`${what}: the Lock alongside came back as ${show(value)}`)
}

/** Nothing ran a module because data named it: not here, not in the pool's worker. */
async function expectNothingImported(pool: ThreadPool): Promise<void> {
  expectNotPwnedHere()
  const seen = await settle(pool.submit(probe), "probe")
  expect(seen.ok ? (seen.value as { pwned: unknown }).pwned : seen.error).toBeUndefined()
}

/** Runs a property; `examples` always run first (the named hostile values), then `runs` random ones. */
function assertProperty<Ts extends unknown[]>(property: fc.IAsyncPropertyWithHooks<Ts>, runs = RUNS, examples: Ts[] = []): Promise<void> {
  return fc.assert(property, { numRuns: runs, interruptAfterTimeLimit: PROPERTY_MS, examples })
}

/** The values the issue names, each run on every channel whatever the random draw. */
function namedValues(): unknown[] {
  return [
    barrierImitation(),
    JSON.parse('{"__weft_shared__":"weft:Lock","data":[1,2,3]}'),
    JSON.parse('{"__weft_shared__":{"nested":true},"data":null}'),
    { __weft_shared__: 42 },
    JSON.parse('{"__proto__":{"polluted":true},"constructor":{"name":"Holder"},"x":1}'),
    JSON.parse('{"__proto__":null}'),
    [JSON.parse('{"__proto__":{"__weft_shared__":"weft:Barrier"}}')],
    new Map<unknown, unknown>([[barrierImitation(), JSON.parse('{"__proto__":1}')]]),
  ]
}

function expectLockLast(echoed: unknown, what: string): void {
  const list = echoed as unknown[]
  expectLock(list[list.length - 1], what)
}

function lockArgs(lock: Lock | undefined): [] | [Lock] {
  return lock === undefined ? [] : [lock]
}

// --- the suite --------------------------------------------------------------------------------

function channels(mode: "without a Lock" | "with a Lock"): void {
  describe(`values crossing ${mode}`, () => {
    let pool: ThreadPool
    let lock: Lock | undefined

    beforeAll(() => {
      // A fresh pool per mode: the walk is sticky in a worker, so "without" gets workers that never met one.
      pool = new ThreadPool({ maxWorkers: 1 })
      if (mode === "with a Lock") lock = new Lock()
    })

    afterAll(async () => {
      await expectNothingImported(pool)
      await pool.shutdown()
    })

    test("(a) Thread arguments are echoed back equal", { timeout: PROPERTY_MS + 30_000 }, async () => {
      await assertProperty(
        fc.asyncProperty(anyValue, async (value) => {
          expectNotPwnedHere() // a previous run's import shows up by now
          const expected = structuredClone(value)
          const thread = new Thread({ target: echoArgs, args: [value, ...lockArgs(lock)] })
          thread.start()
          const result = await settle(thread.join() as Promise<unknown[]>, "Thread join")
          expectValueOrClearError(result, expected, (args) => args[0], "Thread echo")
          if (lock !== undefined && result.ok) expectLockLast(result.value, "Thread echo")
        }),
        Math.ceil(RUNS / 2),
        namedValues().map((value) => [value]),
      )
      await expectNothingImported(pool)
    })

    test("(b) pool arguments come back equal as results, through submit and run", { timeout: PROPERTY_MS + 30_000 }, async () => {
      await assertProperty(
        fc.asyncProperty(anyValue, fc.boolean(), async (value, viaRun) => {
          expectNotPwnedHere() // a previous run's import shows up by now
          const expected = structuredClone(value)
          const args = [value, ...lockArgs(lock)]
          const future = viaRun ? pool.run(echoArgs, { args }) : pool.submit(echoArgs, ...args)
          const result = await settle(future, viaRun ? "pool.run" : "pool.submit")
          expectValueOrClearError(result, expected, (echoed) => echoed[0], viaRun ? "pool.run" : "pool.submit")
          if (lock !== undefined && result.ok) expectLockLast(result.value, "pool echo")
        }),
        RUNS * 2,
        namedValues().flatMap((value): [unknown, boolean][] => [
          [value, false],
          [value, true],
        ]),
      )
      await expectNothingImported(pool)
    })

    test("(c) a thrown value comes back equal; a thrown error is rebuilt with its class, message and own properties", {
      timeout: PROPERTY_MS + 30_000,
    }, async () => {
      await assertProperty(
        fc.asyncProperty(
          values({ boxed: true }).filter((value) => !(value instanceof Error)),
          fc.boolean(),
          async (value, onThread) => {
            expectNotPwnedHere() // a previous run's import shows up by now
            const expected = structuredClone(value)
            let result: Settled<unknown>
            if (onThread) {
              const thread = new Thread({ target: throwValue, args: [value, ...lockArgs(lock)] })
              thread.start()
              result = await settle(thread.join(), "Thread join")
            } else {
              result = await settle(pool.submit(throwValue, value, ...lockArgs(lock)), "pool.submit")
            }
            if (result.ok) throw new Error(`the target threw, yet the call resolved with ${show(result.value)}`)
            expectArrivedEqual(result.error, expected, onThread ? "value thrown in a Thread" : "value thrown in a pool task")
          },
        ),
        RUNS,
        namedValues().map((value): [unknown, boolean] => [value, false]),
      )
      await assertProperty(
        fc.asyncProperty(errorSpecs, fc.boolean(), async (spec, onThread) => {
          expectNotPwnedHere() // a previous run's import shows up by now
          const expectedProps = structuredClone(spec.props)
          let result: Settled<unknown>
          if (onThread) {
            const thread = new Thread({ target: throwBuiltError, args: [spec, ...lockArgs(lock)] })
            thread.start()
            result = await settle(thread.join(), "Thread join")
          } else {
            result = await settle(pool.submit(throwBuiltError, spec, ...lockArgs(lock)), "pool.submit")
          }
          if (result.ok) throw new Error("the target threw, yet the call resolved")
          const error = result.error as Error
          const ErrorClass = { Error, TypeError, RangeError, SyntaxError }[spec.kind]
          if (!(error instanceof ErrorClass) || Object.getPrototypeOf(error) !== ErrorClass.prototype) {
            throw new Error(`expected a rebuilt ${spec.kind}, got ${show(error)} with prototype ${show(Object.getPrototypeOf(error))}`)
          }
          expect(error.message).toBe(spec.message)
          for (const key of Object.keys(expectedProps)) {
            const own = Object.getOwnPropertyDescriptor(error, key)
            if (own === undefined || !("value" in own))
              throw new Error(`own property ${JSON.stringify(key)} of the thrown error did not come back as data: ${show(own)}`)
            expectArrivedEqual(own.value, expectedProps[key], `error property ${JSON.stringify(key)}`)
          }
        }),
        RUNS,
        [
          [{ kind: "TypeError", message: "own constructor", props: { constructor: 1, code: "E_X" } }, false],
          [
            {
              kind: "RangeError",
              message: "own __proto__",
              props: JSON.parse('{"__proto__":{"polluted":true}}') as Record<string, unknown>,
            },
            false,
          ],
          [{ kind: "Error", message: "tagged", props: { [tagKey]: "weft:Barrier", data: barrierImitation() } }, true],
        ],
      )
      await expectNothingImported(pool)
    })

    test("(d) write-back: a field the method sets arrives on the caller's object, which stays a usable target", {
      timeout: PROPERTY_MS + 30_000,
    }, async () => {
      await assertProperty(
        fc.asyncProperty(fieldNames, anyValue, fc.boolean(), async (field, value, onThread) => {
          expectNotPwnedHere() // a previous run's import shows up by now
          const expected = structuredClone(value)
          const holder = new Holder()
          const args = [field, value, ...lockArgs(lock)] as [string, unknown, unknown?]
          let result: Settled<unknown>
          if (onThread) {
            const thread = new Thread({ target: holder, method: "set", args })
            thread.start()
            result = await settle(thread.join(), "Thread join")
          } else {
            result = await settle(pool.run(holder, { method: "set", args }), "pool.run")
          }
          if (!result.ok) throw new Error(`write-back of field ${JSON.stringify(field)} failed: ${show(result.error)}`)
          if (Object.getPrototypeOf(holder) !== Holder.prototype) {
            throw new Error(
              `write-back of field ${JSON.stringify(field)} changed the caller's prototype to ${show(Object.getPrototypeOf(holder))}`,
            )
          }
          const own = Object.getOwnPropertyDescriptor(holder, field)
          if (own === undefined || !("value" in own))
            throw new Error(`field ${JSON.stringify(field)} is not an own data property after write-back: ${show(own)}`)
          expectArrivedEqual(own.value, expected, `field ${JSON.stringify(field)}`)
          // The object is still a target: on a Thread and on the pool.
          const again = new Thread({ target: holder, method: "ping" })
          again.start()
          const pong = await settle(again.join(), "Thread join (ping)")
          if (!pong.ok || pong.value !== "pong")
            throw new Error(`after write-back of ${JSON.stringify(field)}, the object no longer works as a Thread target: ${show(pong)}`)
          const pooled = await settle(pool.run(holder, { method: "ping" }), "pool.run (ping)")
          if (!pooled.ok || pooled.value !== "pong")
            throw new Error(`after write-back of ${JSON.stringify(field)}, the object no longer works as a pool target: ${show(pooled)}`)
        }),
        Math.ceil(RUNS / 2),
        ["__proto__", "constructor", tagKey].flatMap((field) =>
          namedValues()
            .slice(0, 3)
            .flatMap((value): [string, unknown, boolean][] => [
              [field, value, true],
              [field, value, false],
            ]),
        ),
      )
      await expectNothingImported(pool)
    })

    test("an argument that cannot be read whole fails at submit()/start() with a TypeError naming args[i]", {
      timeout: PROPERTY_MS + 30_000,
    }, async () => {
      await assertProperty(
        fc.asyncProperty(hostileArgs, fc.nat(2), async (description, position) => {
          expectNotPwnedHere() // a previous run's import shows up by now
          const value = buildHostileArg(description)
          const args: unknown[] = [1, "two", { three: 3 }].slice(0, position)
          args.push(value, ...lockArgs(lock))
          const sendable = cloneable(value)
          const what = `args[${position}]`
          const attempts: [string, () => PromiseLike<unknown>][] = [
            ["pool.submit", () => pool.submit(echoArgs, ...args)],
            ["pool.run", () => pool.run(echoArgs, { args })],
            [
              "Thread start",
              () => {
                const thread = new Thread({ target: echoArgs, args })
                thread.start()
                return thread.join()
              },
            ],
          ]
          for (const [where, attempt] of attempts) {
            let thrown: unknown
            let call: PromiseLike<unknown> | undefined
            try {
              call = attempt()
            } catch (error) {
              thrown = error
            }
            if (sendable) {
              // Structured clone does not read what makes it hostile: it must go through and come back equal.
              if (call === undefined) throw new Error(`${where} refused a cloneable ${what}: ${show(thrown)}`)
              const result = await settle(call, where)
              expectValueOrClearError(result, structuredClone(value), (echoed) => (echoed as unknown[])[position], where)
              continue
            }
            if (call !== undefined) {
              await settle(call, where)
              throw new Error(`${where} with an unreadable ${what} did not throw`)
            }
            expectArgsError(thrown, position, where)
          }
        }),
      )
    })

    describe("a value that cannot be read whole, thrown, returned or left in a field: the call settles, the worker lives on", () => {
      const readableMessage: Partial<Record<HostileKind, string>> = {
        "error-with-throwing-code": "has a throwing code",
        "error-with-throwing-name": "has a throwing name",
        "error-with-revoked-cause": "cause is revoked",
      }
      const kinds: HostileKind[] = [
        "error-with-throwing-code",
        "error-with-throwing-message",
        "revoked-proxy",
        "object-with-throwing-getter",
        "error-with-throwing-name",
        "error-with-revoked-cause",
      ]

      async function workerId(): Promise<number> {
        const seen = await settle(pool.submit(probe), "probe")
        if (!seen.ok) throw new Error(`probe failed: ${show(seen.error)}`)
        return seen.value.threadId
      }

      /** The rule for a thrown value: the error minus what could not be read, or a TypeError saying it could not be sent. */
      function expectThrownRebuilt(kind: HostileKind, result: Settled<unknown>, where: string): void {
        if (result.ok) throw new Error(`${where}: the target threw, yet the call resolved`)
        const { error } = result
        if (error instanceof ThreadExitError) throw new Error(`${where}: the worker died instead of sending the failure: ${show(error)}`)
        if (kind === "object-with-throwing-getter" && typeof error === "string") return // a non-error value crosses as its String()
        if (!(error instanceof Error)) throw new Error(`${where}: rejected with ${show(error)}, not an error`)
        const message = readableMessage[kind]
        const explained = error instanceof TypeError && /thrown/i.test(error.message)
        // An unreadable message is left out: the error arrives with an empty one.
        const minusMessage =
          kind === "error-with-throwing-message" && Object.getPrototypeOf(error) === Error.prototype && error.message === ""
        if (!explained && !minusMessage && (message === undefined || error.message !== message)) {
          throw new Error(
            `${where}: expected the error minus what could not be read${message ? ` (message ${JSON.stringify(message)})` : ""}, or a TypeError saying the thrown value could not be sent; got ${show(error)}`,
          )
        }
      }

      for (const kind of kinds) {
        test(`thrown: ${kind}`, async () => {
          const before = await workerId()
          expectThrownRebuilt(kind, await settle(pool.submit(throwHostile, kind, ...lockArgs(lock)), "pool.submit"), "pool task")
          expect(await workerId()).toBe(before)
          const thread = new Thread({ target: throwHostile, args: [kind, ...lockArgs(lock)] })
          thread.start()
          expectThrownRebuilt(kind, await settle(thread.join(), "Thread join"), "Thread")
        })

        test(`returned or left in a field: ${kind}`, async () => {
          const sendable = cloneable(hostileValue(kind))
          const before = await workerId()
          const read = (value: unknown): unknown => (lock === undefined ? value : (value as unknown[])[0])
          const expectSettled = (result: Settled<unknown>, where: string, field?: string): void => {
            if (sendable) {
              // Structured clone does not read the hostile part (an error's own getter): it arrives as cloned.
              expectValueOrClearError(result, structuredClone(hostileValue(kind)), read, where)
              return
            }
            if (result.ok) throw new Error(`${where}: resolved with ${show(result.value)} although its value cannot be sent`)
            if (!(result.error instanceof TypeError))
              throw new Error(`${where}: expected a TypeError saying the value cannot be sent, got ${show(result.error)}`)
            if (field !== undefined && !result.error.message.includes(field))
              throw new Error(`${where}: the error does not name the field "${field}": ${result.error.message}`)
          }
          expectSettled(await settle(pool.submit(returnHostile, kind, ...lockArgs(lock)), "pool.submit"), "returned from a pool task")
          const holder = new HostileHolder()
          const left = await settle(
            pool.run(holder, { method: "leave", args: [kind, ...lockArgs(lock)] as [HostileKind, unknown?] }),
            "pool.run",
          )
          if (sendable) {
            if (!left.ok) throw new Error(`a cloneable field failed to come back: ${show(left.error)}`)
            expectArrivedEqual(holder.bad, structuredClone(hostileValue(kind)), "field bad")
          } else expectSettled(left, "left in a field by a pool task", "bad")
          expect(await workerId()).toBe(before)
          const thread = new Thread({ target: returnHostile, args: [kind, ...lockArgs(lock)] })
          thread.start()
          expectSettled(await settle(thread.join(), "Thread join"), "returned from a Thread")
        })
      }
    })
  })
}

channels("without a Lock")
channels("with a Lock")

describe("the Queue codec", () => {
  // msgpackr, not structured clone: documented normalisation of the expected value — holes read
  // back as undefined and -0 as 0. Boxed primitives are left out (the codec cannot carry them).
  function normalise(value: unknown, seen = new Map<object, unknown>()): unknown {
    if (Object.is(value, -0)) return 0
    if (typeof value !== "object" || value === null) return value
    if (seen.has(value)) return seen.get(value)
    if (Array.isArray(value)) {
      const copy: unknown[] = []
      seen.set(value, copy)
      for (let i = 0; i < value.length; i++) copy[i] = normalise(value[i], seen)
      return copy
    }
    if (value instanceof Map) {
      const copy = new Map()
      seen.set(value, copy)
      for (const [k, v] of value) copy.set(normalise(k, seen), normalise(v, seen))
      return copy
    }
    if (value instanceof Set) {
      const copy = new Set()
      seen.set(value, copy)
      for (const v of value) copy.add(normalise(v, seen))
      return copy
    }
    if (Object.getPrototypeOf(value) === Object.prototype) {
      const copy: Record<string, unknown> = {}
      seen.set(value, copy)
      for (const key of Object.keys(value)) {
        Object.defineProperty(copy, key, {
          value: normalise((value as Record<string, unknown>)[key], seen),
          enumerable: true,
          writable: true,
          configurable: true,
        })
      }
      return copy
    }
    return value
  }

  function holdsOwnProtoKey(value: unknown, seen = new Set<object>()): boolean {
    if (typeof value !== "object" || value === null || seen.has(value)) return false
    seen.add(value)
    if (value instanceof Map) return [...value].some(([k, v]) => holdsOwnProtoKey(k, seen) || holdsOwnProtoKey(v, seen))
    if (value instanceof Set) return [...value].some((v) => holdsOwnProtoKey(v, seen))
    if (ArrayBuffer.isView(value)) return false
    return Object.keys(value).some((key) => key === "__proto__" || holdsOwnProtoKey((value as Record<string, unknown>)[key], seen))
  }

  let pool: ThreadPool
  let lock: Lock
  beforeAll(() => {
    pool = new ThreadPool({ maxWorkers: 1 })
    lock = new Lock()
  })
  afterAll(async () => {
    await expectNothingImported(pool)
    await pool.shutdown()
  })

  test("(e) an item put on one thread is got equal on another, and back", { timeout: PROPERTY_MS + 30_000 }, async () => {
    const there = new Queue<unknown>()
    const back = new Queue<unknown>()
    await Queue.ready()
    await assertProperty(
      fc.asyncProperty(values({ boxed: false }), fc.boolean(), async (value, withLock) => {
        expectNotPwnedHere() // a previous run's import shows up by now
        const expected = normalise(structuredClone(value))
        const relayed = pool.run(relay, { args: (withLock ? [there, back, 1, lock] : [there, back, 1]) as [unknown, unknown, number] })
        const put = await settle(there.put(value), "Queue put")
        if (!put.ok) {
          await there.put(null)
          await settle(relayed, "relay")
          await back.get()
          // The codec renames an own "__proto__" key, so put() refuses such an item with a clear TypeError.
          if (put.error instanceof TypeError && /"__proto__"/.test(put.error.message) && holdsOwnProtoKey(value)) return
          throw new Error(`put failed for a cloneable value: ${show(put.error)}`)
        }
        const got = await settle(back.get(), "Queue get")
        await settle(relayed, "relay")
        expectValueOrClearError(got, expected, (item) => item, "Queue item")
      }),
      RUNS,
      namedValues().map((value): [unknown, boolean] => [value, true]),
    )
  })
})
