// The harness the boundary property tests and the hostile-worker tests share: settle a call
// within a bound (nothing may pend forever), print what came back, and read the mark a module
// named by data would leave.
import { inspect } from "node:util"

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown }

/** A `settle(work, what)` that resolves with the outcome, or rejects when `work` is still pending after `ms`. */
export function settleWithin(ms: number): <T>(work: PromiseLike<T>, what: string) => Promise<Settled<T>> {
  return <T>(work: PromiseLike<T>, what: string): Promise<Settled<T>> => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const pending = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} was still pending after ${ms} ms`)), ms)
    })
    const settled = Promise.resolve(work).then(
      (value): Settled<T> => ({ ok: true, value }),
      (error: unknown): Settled<T> => ({ ok: false, error }),
    )
    return Promise.race([settled, pending]).finally(() => clearTimeout(timer))
  }
}

export function show(value: unknown): string {
  return inspect(value, { depth: 6, breakLength: 160 })
}

/**
 * The `pwned` mark a module imported because data named it sets on this thread's global,
 * cleared once read so each test reports only what it caused.
 */
export function takePwnedMark(): unknown {
  const scope = globalThis as { pwned?: unknown }
  const mark = scope.pwned
  delete scope.pwned
  return mark
}
