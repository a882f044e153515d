import { getRuntime, hasRuntime } from "./runtime.js"

/**
 * True on the thread the program started on. A module that registers targets is evaluated
 * again in every worker that needs them, top-level code included: guard start-up code with
 * `if (isMainThread()) { ... }`, or better, keep tasks in modules of their own.
 */
export function isMainThread(): boolean {
  return !hasRuntime() || getRuntime().parent() === undefined
}
