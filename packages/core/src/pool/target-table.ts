import { inlineSource } from "../inline-target.js"
import type { TargetRef } from "../protocol.js"
import { registrationOf } from "../registry.js"

/**
 * The pool's targets, each sent to a worker once and then named by its index. A function is
 * found by identity first (the common case: the same function submitted again), then by its key.
 */
export class TargetTable {
  readonly refs: TargetRef[] = []
  readonly #byValue = new WeakMap<object, number>()
  readonly #byKey = new Map<string, number>()

  /** The index of a registered or inline function target. */
  indexOfFunction(fn: Function): number {
    const known = this.#byValue.get(fn)
    if (known !== undefined) return known
    const registered = registrationOf(fn)
    let ref: TargetRef
    let key: string
    if (registered !== undefined) {
      ref = { kind: "registered", ...registered }
      key = `r\0${registered.key}`
    } else {
      const source = inlineSource(fn)
      ref = { kind: "inline", source, name: fn.name || "anonymous" }
      key = `i\0${ref.name}\0${source}`
    }
    const index = this.#intern(key, ref)
    this.#byValue.set(fn, index)
    return index
  }

  /** The index of an object's method target. */
  indexOfMethod(ref: TargetRef & { kind: "method" }): number {
    return this.#intern(`m\0${ref.key}\0${ref.method}`, ref)
  }

  #intern(key: string, ref: TargetRef): number {
    let index = this.#byKey.get(key)
    if (index === undefined) {
      index = this.refs.push(ref) - 1
      this.#byKey.set(key, index)
    }
    return index
  }
}
