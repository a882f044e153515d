import { ThreadExitError, ThreadTargetError } from "./errors.js"
import type { WorkerExit } from "./runtime.js"
import { inlineSource } from "./inline-target.js"
import type { RunMessage, TargetRef } from "./protocol.js"
import { describe, registrationOf } from "./registry.js"
import { captureState, validateArgs } from "./object-state.js"

/** What the caller prepares before any worker exists: the target reference and the encoded arguments. */
export type LaunchRequest = Pick<RunMessage, "target" | "args" | "state" | "shared">

/**
 * Turns a function target (registered or inline) or an object + method into what a worker can
 * run. Shared by Thread and ThreadPool; throws ThreadTargetError or a TypeError naming the bad argument.
 */
export function prepareCall(target: unknown, method: string | undefined, rawArgs: readonly unknown[], label: string): LaunchRequest {
  const { args, shared } = validateArgs(rawArgs, label)
  if (target === undefined) return { target: { kind: "none" }, args, shared }
  if (typeof target === "function") {
    if (method !== undefined) throw new ThreadTargetError(`"method" is for object targets; ${label} has a function target`)
    const registered = registrationOf(target)
    const ref: TargetRef = registered
      ? { kind: "registered", ...registered }
      : { kind: "inline", source: inlineSource(target), name: target.name || "anonymous" }
    return { target: ref, args, shared }
  }
  if (typeof target !== "object" || target === null) {
    throw new ThreadTargetError(`the target of ${label} must be a function or an object with { method }, got ${describe(target)}`)
  }
  // The class is the prototype's constructor: an own field named "constructor" is data, not the class.
  const Class = (Object.getPrototypeOf(target) as { constructor?: unknown } | null)?.constructor
  const className = typeof Class === "function" && Class.name ? Class.name : "Object"
  if (method === undefined) {
    throw new ThreadTargetError(`${label} has an object target (${className}) but no method: pass { target, method: "name" }`)
  }
  if (typeof (target as Record<string, unknown>)[method] !== "function") {
    throw new ThreadTargetError(`${className} has no method "${method}" to run in ${label}`)
  }
  const registered = registrationOf(Class)
  if (registered === undefined) {
    throw new ThreadTargetError(
      `${className} was never registered, so the thread cannot rebuild the object: add threadable(import.meta.url, ${className}) after the class`,
    )
  }
  const { value: state, shared: stateShared } = captureState(target, label)
  return { target: { kind: "method", ...registered, method }, args, state, shared: shared || stateShared }
}

/** A Thread subclass that overrides run(): its registration and own fields. */
export function prepareSubclass(self: object, label: string): LaunchRequest {
  // The prototype's constructor: an own field named "constructor" is data, not the class.
  const Class = (Object.getPrototypeOf(self) as { constructor: Function }).constructor
  const registered = registrationOf(Class)
  if (registered === undefined) {
    throw new ThreadTargetError(
      `${Class.name} overrides run() but was never registered: add threadable(import.meta.url, ${Class.name}) after the class`,
    )
  }
  const { value: state, shared } = captureState(self, label)
  return { target: { kind: "subclass", ...registered }, args: [], state, shared }
}

/** The error of a thread whose worker exited before its job finished. */
export function threadExitError(label: string, exit: WorkerExit): ThreadExitError {
  const detail = exit.error instanceof Error ? `: ${exit.error.message}` : ""
  return new ThreadExitError(
    `${label} exited${exit.code === null ? "" : ` with code ${exit.code}`} before it finished${detail}`,
    exit.code,
    exit.error === undefined ? undefined : { cause: exit.error },
  )
}
