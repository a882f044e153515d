import { ThreadTargetError } from "./errors.js"

// A plain function that was never registered travels as its source text and is rebuilt in
// the worker. Only self-contained function and arrow sources can be rebuilt that way.

export function inlineSource(fn: Function): string {
  const source = Function.prototype.toString.call(fn)
  const name = fn.name || "anonymous"
  const fix = `register it with threadable(import.meta.url, ${fn.name || "fn"}) instead`
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    throw new ThreadTargetError(`target "${name}" is native or bound, so its source cannot be sent to a thread: ${fix}`)
  }
  if (/^class\b/.test(source)) {
    throw new ThreadTargetError(
      `target "${name}" is a class: register it with threadable(import.meta.url, ${name}) and pass an instance with { target, method }, or subclass Thread`,
    )
  }
  if (/^(async\s+)?function\b/.test(source) || isArrow(source)) return source
  throw new ThreadTargetError(
    `target "${name}" is a method shorthand, whose source cannot be rebuilt on its own: write it as a function or arrow, or ${fix}`,
  )
}

function isArrow(source: string): boolean {
  let rest = source
  const asyncPrefix = /^async\b\s*/.exec(rest)
  if (asyncPrefix) rest = rest.slice(asyncPrefix[0].length)
  if (/^[\p{L}\p{Nl}$_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$]*\s*=>/u.test(rest)) return true
  if (!rest.startsWith("(")) return false
  let depth = 0
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i]
    if (ch === "(") depth++
    else if (ch === ")" && --depth === 0) return /^\s*=>/.test(rest.slice(i + 1))
    else if (ch === "'" || ch === '"' || ch === "`") {
      const end = rest.indexOf(ch, i + 1)
      if (end < 0) return false
      i = end
    }
  }
  return false
}

/** In the worker: rebuilds an inline target from its source. */
export function compileInline(source: string, name: string): (...args: unknown[]) => unknown {
  try {
    return new Function(`"use strict"; return (${source})`)() as (...args: unknown[]) => unknown
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new ThreadTargetError(`the source of inline target "${name}" could not be rebuilt in the thread: ${error.message}`, {
        cause: error,
      })
    }
    throw new ThreadTargetError(
      `this thread cannot evaluate source text (a Content-Security-Policy without 'unsafe-eval'?), so inline target "${name}" cannot run: register it with threadable(import.meta.url, ${name})`,
      { cause: error },
    )
  }
}

/** A free identifier met at first use: the function captured something from its defining scope. */
export function explainMissingIdentifier(error: unknown, name: string): unknown {
  if (!(error instanceof ReferenceError)) return error
  const identifier = missingIdentifier(error.message)
  if (identifier === undefined) return error
  return new ThreadTargetError(
    `inline target "${name}" uses "${identifier}", which is not defined in the thread: an inline function must be self-contained. Pass ${identifier} as an argument, or register the function with threadable(import.meta.url, ${name === "anonymous" ? "fn" : name}) so its module is imported in the thread`,
    { cause: error },
  )
}

const IDENT = "[\\p{L}\\p{Nl}$_][\\p{L}\\p{Nl}\\p{Mn}\\p{Mc}\\p{Nd}\\p{Pc}$]*"
// V8 and SpiderMonkey say "X is not defined", JavaScriptCore (Safari, WebKit) "Can't find variable: X".
// Compiled on first use: building these Unicode-property patterns took ~1.6 ms of every worker's start (Deno).
let missingPatterns: RegExp[] | undefined

function missingIdentifier(message: string): string | undefined {
  missingPatterns ??= [new RegExp(`^(${IDENT}) is not defined`, "u"), new RegExp(`^Can't find variable: (${IDENT})$`, "u")]
  for (const pattern of missingPatterns) {
    const match = pattern.exec(message)
    if (match) return match[1]
  }
  return undefined
}
