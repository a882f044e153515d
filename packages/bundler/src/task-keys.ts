// Gives every `threadable(...)` call a stable key: the module's path (relative to the project
// root) and the binding it registers, e.g. "src/tasks.ts#fib". The page and the worker are
// bundled separately and may rename or minify differently; a key written into the source
// survives both. An explicit `{ name }` still wins: the key is spread before the caller's options.
//
// JavaScript and TypeScript are both read, before any other transform, so this is a small
// scanner (strings, templates and comments skipped; brackets matched) rather than a parser.

export interface ThreadableCall {
  /** Offset of the `(` after `threadable`. */
  readonly open: number
  /** Offset of the matching `)`. */
  readonly close: number
  /** Offsets of the top-level commas between the parentheses. */
  readonly commas: readonly number[]
  /** The registered binding: the declared variable, the identifier passed, or the function/class name. */
  readonly binding: string | undefined
}

const IDENT = /[A-Za-z0-9_$]/

/** Skips a string, template or comment starting at `i`; returns the offset after it (or `i` when none starts there). */
function skipLiteral(code: string, i: number): number {
  const c = code[i]
  if (c === "/" && code[i + 1] === "/") {
    const end = code.indexOf("\n", i)
    return end === -1 ? code.length : end
  }
  if (c === "/" && code[i + 1] === "*") {
    const end = code.indexOf("*/", i + 2)
    return end === -1 ? code.length : end + 2
  }
  if (c === '"' || c === "'") {
    let j = i + 1
    while (j < code.length && code[j] !== c) j += code[j] === "\\" ? 2 : 1
    return j + 1
  }
  if (c === "`") {
    let j = i + 1
    while (j < code.length && code[j] !== "`") {
      if (code[j] === "\\") j += 2
      else if (code[j] === "$" && code[j + 1] === "{") j = skipBalanced(code, j + 1) + 1
      else j++
    }
    return j + 1
  }
  return i
}

/** From an opening bracket at `open`, the offset of its closing bracket. */
function skipBalanced(code: string, open: number, commas?: number[]): number {
  let depth = 0
  let i = open
  while (i < code.length) {
    const skipped = skipLiteral(code, i)
    if (skipped !== i) {
      i = skipped
      continue
    }
    const c = code[i]
    if (c === "(" || c === "[" || c === "{") depth++
    else if (c === ")" || c === "]" || c === "}") {
      depth--
      if (depth === 0) return i
    } else if (c === "," && depth === 1) commas?.push(i)
    i++
  }
  return code.length
}

/** Every `threadable(` call in the source, outside strings and comments. */
export function findThreadableCalls(code: string): ThreadableCall[] {
  const calls: ThreadableCall[] = []
  let i = 0
  while (i < code.length) {
    const skipped = skipLiteral(code, i)
    if (skipped !== i) {
      i = skipped
      continue
    }
    if (code.startsWith("threadable", i) && !IDENT.test(code[i - 1] ?? "") && !IDENT.test(code[i + 10] ?? "")) {
      let open = i + 10
      while (/\s/.test(code[open] ?? "")) open++
      // `threadable(` as a call; `import { threadable }` and `function threadable` are not.
      const before = code.slice(Math.max(0, i - 9), i)
      if (code[open] === "(" && !/function\s*$/.test(before)) {
        const commas: number[] = []
        const close = skipBalanced(code, open, commas)
        calls.push({ open, close, commas, binding: bindingOf(code, i, close, commas) })
        i = close + 1
        continue
      }
    }
    i++
  }
  return calls
}

function bindingOf(code: string, start: number, close: number, commas: readonly number[]): string | undefined {
  const declared = /(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=;]*)?=\s*$/.exec(code.slice(Math.max(0, start - 300), start))
  if (declared) return declared[1]
  const targetEnd = commas[1] ?? close
  const target = commas[0] === undefined ? "" : code.slice(commas[0] + 1, targetEnd).trim()
  if (/^[A-Za-z_$][\w$]*$/.test(target)) return target
  const named = /^(?:async\s+)?(?:function\s*\*?|class)\s+([A-Za-z_$][\w$]*)/.exec(target)
  return named?.[1]
}

export interface KeyedSource {
  readonly code: string
  readonly keys: readonly string[]
}

/**
 * Rewrites `threadable(url, value)` to `threadable(url, value, { name: KEY })` and
 * `threadable(url, value, options)` to `threadable(url, value, { name: KEY, ...(options) })`.
 * Returns undefined when the module registers nothing.
 */
export function addTaskKeys(code: string, modulePath: string): KeyedSource | undefined {
  const calls = findThreadableCalls(code).filter((call) => call.commas.length >= 1)
  if (calls.length === 0) return undefined
  const keys: string[] = []
  let out = ""
  let last = 0
  calls.forEach((call, index) => {
    const key = `${modulePath}#${call.binding ?? index}`
    keys.push(key)
    const name = `name: ${JSON.stringify(key)}`
    if (call.commas.length === 1) {
      // Two arguments (a trailing comma counts as none).
      out += `${code.slice(last, call.close)}, { ${name} }`
    } else {
      const optionsStart = call.commas[1]! + 1
      const optionsEnd = call.commas[2] ?? call.close
      const options = code.slice(optionsStart, optionsEnd)
      out +=
        options.trim() === ""
          ? `${code.slice(last, optionsStart)} { ${name} }`
          : `${code.slice(last, optionsStart)} { ${name}, ...(${options.trim()}) }`
      out += code.slice(optionsEnd, call.close)
    }
    last = call.close
  })
  out += code.slice(last)
  return { code: out, keys }
}

/** Quick test before scanning: the module mentions `threadable(`. */
export function mayRegisterTasks(code: string): boolean {
  return /\bthreadable\s*\(/.test(code)
}
