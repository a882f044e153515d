// The slice of vitest's API that the browser test files use (describe, test, test.skipIf,
// afterEach, inject, expect), so the very files Chromium runs under vitest run unchanged as a
// page in engines vitest cannot drive here. Served in place of "vitest" by the suite server.
import { deepEqual } from "@weft/conformance/assert.ts"

export interface CaseResult {
  readonly file: string
  readonly suite: string
  readonly name: string
  readonly status: "passed" | "failed" | "skipped"
  readonly ms: number
  readonly error?: string
}

type Body = () => unknown
interface Entry {
  readonly file: string
  readonly suite: string
  readonly name: string
  readonly body: Body
  readonly skip: boolean
}

const entries: Entry[] = []
const afterEachHooks = new Map<string, Body[]>()
const path: string[] = []
let file = ""
let provided: Record<string, unknown> = {}

/** The file whose cases register next (its afterEach hooks apply to its cases only). */
export function collecting(name: string): void {
  file = name
}

/** What vitest's `provide` would hand the page: this page's isolation and shared memory. */
export function provide(values: Record<string, unknown>): void {
  provided = values
}

export function inject(key: string): unknown {
  if (!(key in provided)) throw new Error(`inject("${key}"): the suite page was not given it`)
  return provided[key]
}

export function describe(name: string, body: () => void): void {
  path.push(name)
  try {
    body()
  } finally {
    path.pop()
  }
}

function register(name: string, body: Body, skip: boolean): void {
  entries.push({ file, suite: path.join(" > "), name, body, skip })
}

export const test = Object.assign((name: string, body: Body) => register(name, body, false), {
  skip: (name: string, body: Body) => register(name, body, true),
  skipIf: (condition: unknown) => (name: string, body: Body) => register(name, body, Boolean(condition)),
})
export const it = test

export function afterEach(hook: Body): void {
  const hooks = afterEachHooks.get(file) ?? []
  hooks.push(hook)
  afterEachHooks.set(file, hooks)
}

function withTimeout(body: Body, ms: number, name: string): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`"${name}" timed out after ${ms} ms`)), ms)))
  return Promise.race([Promise.resolve().then(body), timeout]).finally(() => clearTimeout(timer))
}

/**
 * Cases an engine's own bug can hang, run once more when they time out there. Each retry is
 * logged as "[retried]", which the driver always prints, so CI shows how often it happens.
 */
const engineHangs = [
  {
    engine: /\bFirefox\//,
    name: "a thread can start a nested thread",
    why: "Firefox's new Worker() inside a worker can block that worker for good when another worker starts or ends at the same moment",
  },
]

function knownHang(name: string, error: unknown): string | undefined {
  if (!(error instanceof Error && / timed out after /.test(error.message))) return undefined
  return engineHangs.find((hang) => hang.name === name && hang.engine.test(navigator.userAgent))?.why
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}\n${error.stack ?? ""}`.slice(0, 4000)
  return String(error)
}

/** Runs every registered case in order, one at a time (threads are the subject: no overlap). */
export async function runAll(onResult: (result: CaseResult) => void, grep?: string, repeat = 1, timeoutMs = 30_000): Promise<CaseResult[]> {
  const results: CaseResult[] = []
  // While working on one case (WEFT_SUITE_GREP): the others are left out, not reported.
  const chosen = entries.filter((e) => grep === undefined || `${e.suite} > ${e.name}`.includes(grep))
  // Hunting a flake (WEFT_SUITE_REPEAT): the chosen cases run again and again, in order.
  for (const entry of Array.from({ length: repeat }, () => chosen).flat()) {
    const { file: caseFile, suite, name } = entry
    if (entry.skip) {
      results.push({ file: caseFile, suite, name, status: "skipped", ms: 0 })
      onResult(results.at(-1)!)
      continue
    }
    const started = performance.now()
    let error: unknown
    let failed = false
    for (let attempt = 1; ; attempt++) {
      error = undefined
      failed = false
      try {
        await withTimeout(entry.body, timeoutMs, name)
      } catch (thrown) {
        failed = true
        error = thrown
      }
      for (const hook of afterEachHooks.get(caseFile) ?? []) {
        try {
          await hook()
        } catch (thrown) {
          if (!failed) error = thrown
          failed = true
        }
      }
      const why = failed && attempt === 1 ? knownHang(name, error) : undefined
      if (why === undefined) break
      console.warn(`[retried] "${suite} > ${name}" timed out, a known engine hang (${why}); running it once more`)
    }
    const ms = performance.now() - started
    results.push(
      failed
        ? { file: caseFile, suite, name, status: "failed", ms, error: describeError(error) }
        : { file: caseFile, suite, name, status: "passed", ms },
    )
    onResult(results.at(-1)!)
  }
  return results
}

// expect(): the matchers these files use, with vitest's meaning.

class ExpectationError extends Error {
  override name = "AssertionError"
}

function show(value: unknown): string {
  try {
    return typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value))
  } catch {
    return String(value)
  }
}

/** vitest's toMatchObject: every property of `expected` is present in `actual` and matches, recursively. */
function matchesObject(actual: unknown, expected: unknown): boolean {
  if (typeof expected !== "object" || expected === null) return Object.is(actual, expected)
  if (typeof actual !== "object" || actual === null) return false
  if (Array.isArray(expected))
    return Array.isArray(actual) && actual.length === expected.length && expected.every((v, i) => matchesObject(actual[i], v))
  return Object.keys(expected).every(
    (key) => key in actual && matchesObject((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key]),
  )
}

/** vitest's toEqual ignores properties whose value is undefined. */
function withoutUndefined(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, withoutUndefined(v)]),
  )
}

export function expect(actual: unknown) {
  const fail = (what: string, expected: unknown) => {
    throw new ExpectationError(`expected ${show(actual)} ${what} ${show(expected)}`)
  }
  return {
    toBe(expected: unknown) {
      if (!Object.is(actual, expected)) fail("to be", expected)
    },
    toEqual(expected: unknown) {
      try {
        deepEqual(withoutUndefined(actual), withoutUndefined(expected))
      } catch {
        fail("to equal", expected)
      }
    },
    toMatchObject(expected: unknown) {
      if (!matchesObject(actual, expected)) fail("to match object", expected)
    },
    toMatch(expected: RegExp | string) {
      const text = String(actual)
      if (!(typeof expected === "string" ? text.includes(expected) : expected.test(text))) fail("to match", String(expected))
    },
    toBeInstanceOf(expected: Function) {
      if (!(actual instanceof expected)) {
        const got = (actual as { constructor?: { name?: string } })?.constructor?.name
        throw new ExpectationError(
          `expected an instance of ${expected.name}, got ${got ?? typeof actual}: ${describeError(actual).split("\n")[0]}`,
        )
      }
    },
    toBeGreaterThanOrEqual(expected: number) {
      if (!((actual as number) >= expected)) fail("to be >=", expected)
    },
    toThrow(expected?: RegExp | string | Function) {
      let thrown: unknown
      let threw = false
      try {
        ;(actual as () => unknown)()
      } catch (error) {
        threw = true
        thrown = error
      }
      if (!threw) throw new ExpectationError("expected the function to throw")
      if (expected === undefined) return
      if (typeof expected === "function") {
        if (!(thrown instanceof expected))
          throw new ExpectationError(`expected a ${expected.name} to be thrown, got ${describeError(thrown).split("\n")[0]}`)
        return
      }
      const message = String((thrown as Error)?.message)
      if (!(typeof expected === "string" ? message.includes(expected) : expected.test(message))) {
        throw new ExpectationError(`expected a throw matching ${String(expected)}, got ${show(message)}`)
      }
    },
  }
}
