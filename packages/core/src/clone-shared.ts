// structuredClone that keeps shared memory shared. WebKit's structuredClone copies a
// SharedArrayBuffer into an ordinary ArrayBuffer (its postMessage keeps it shared), so a pool
// task's arguments, cloned on the caller's side when submitted, would reach the worker unshared:
// a primitive inside would no longer wake anyone, and a task's writes would be lost. Where that is
// the case, the shared buffers (and views over them) are put back into the copy.
import { containsShared } from "./shared-record.js"

let keepsShared: boolean | undefined

/** Whether this engine's structuredClone keeps a SharedArrayBuffer shared (false on WebKit). */
export function structuredCloneKeepsShared(): boolean {
  if (keepsShared === undefined) {
    try {
      keepsShared = typeof SharedArrayBuffer !== "function" || structuredClone(new SharedArrayBuffer(4)) instanceof SharedArrayBuffer
    } catch {
      keepsShared = true // cannot clone one at all: nothing to repair, the caller reports the error
    }
  }
  return keepsShared
}

/** structuredClone(value, options), with every SharedArrayBuffer in `value` still shared in the copy. */
export function cloneKeepingShared<T>(value: T, options?: { transfer?: unknown[] }): T {
  const repair = !structuredCloneKeepsShared() && containsShared(value)
  const copy = structuredClone(value, options)
  return repair ? (reattach(value, copy, new Map()) as T) : copy
}

type View = ArrayBufferView & { readonly length?: number }

function reattach(original: unknown, copy: unknown, seen: Map<object, unknown>): unknown {
  if (typeof original !== "object" || original === null || typeof copy !== "object" || copy === null) return copy
  if (seen.has(original)) return seen.get(original)
  if (original instanceof SharedArrayBuffer) {
    seen.set(original, original)
    return original
  }
  if (ArrayBuffer.isView(original)) {
    if (!(original.buffer instanceof SharedArrayBuffer)) return copy
    const source = original as View
    const Constructor = source.constructor as new (buffer: ArrayBufferLike, byteOffset: number, length: number) => View
    const view = new Constructor(source.buffer, source.byteOffset, source instanceof DataView ? source.byteLength : source.length!)
    seen.set(original, view)
    return view
  }
  seen.set(original, copy)
  if (original instanceof Map) {
    const copied = [...(copy as Map<unknown, unknown>)]
    const target = copy as Map<unknown, unknown>
    target.clear()
    let i = 0
    for (const [key, item] of original) {
      const [copiedKey, copiedItem] = copied[i++]!
      target.set(reattach(key, copiedKey, seen), reattach(item, copiedItem, seen))
    }
    return copy
  }
  if (original instanceof Set) {
    const copied = [...(copy as Set<unknown>)]
    const target = copy as Set<unknown>
    target.clear()
    let i = 0
    for (const item of original) target.add(reattach(item, copied[i++], seen))
    return copy
  }
  if (original instanceof Date || original instanceof RegExp || original instanceof Error || original instanceof ArrayBuffer) return copy
  const target = copy as Record<string, unknown>
  for (const key of Object.keys(original)) {
    if (Object.hasOwn(target, key)) target[key] = reattach((original as Record<string, unknown>)[key], target[key], seen)
  }
  return copy
}
