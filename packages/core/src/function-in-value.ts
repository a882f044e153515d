// Finds a function inside a value that is about to be cloned for another thread, so the error
// can name where it sits and say what to do instead (functions cannot cross a thread boundary).

const MAX_DEPTH = 4

/** The path of the first function in `value` (itself, or nested in arrays, plain objects, Maps and Sets), if any. */
export function findFunction(value: unknown, path: string, depth = 0, seen = new Set<object>()): string | undefined {
  if (typeof value === "function") return path
  if (typeof value !== "object" || value === null || depth >= MAX_DEPTH || seen.has(value)) return undefined
  seen.add(value)
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findFunction(value[i], `${path}[${i}]`, depth + 1, seen)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (value instanceof Map) {
    for (const [key, item] of value) {
      const found = findFunction(item, `${path}.get(${typeof key === "string" ? JSON.stringify(key) : "…"})`, depth + 1, seen)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (value instanceof Set) {
    for (const item of value) {
      const found = findFunction(item, `${path} (a Set member)`, depth + 1, seen)
      if (found !== undefined) return found
    }
    return undefined
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return undefined
  for (const key of Object.keys(value)) {
    const found = findFunction(
      (value as Record<string, unknown>)[key],
      /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`,
      depth + 1,
      seen,
    )
    if (found !== undefined) return found
  }
  return undefined
}

/** The advice for a function found at `path` in a value meant for another thread. */
export function functionArgumentHint(path: string): string {
  return (
    `${path} is a function, and functions cannot cross threads. Register it with threadable(import.meta.url, fn) ` +
    "in a module of its own and import it inside the target (or make it the target), and pass the data it needs as arguments"
  )
}
