// Finding a registered target inside a worker, shared by a Thread's job and a pool's tasks.
import { ThreadTargetError } from "./errors.js"
import { resolveRegistered } from "./registry.js"
import { importTaskModule } from "./runtime.js"

/** A registered function, loading its module when this thread has not yet. */
export async function resolveFunction(key: string, url: string): Promise<(...args: unknown[]) => unknown> {
  const fn = await resolveRegistered(key, url, importTaskModule)
  if (typeof fn !== "function") throw new ThreadTargetError(`"${key}" is registered but is not a function`)
  return fn as (...args: unknown[]) => unknown
}

/** A registered class whose prototype has `method`. */
export async function resolveMethodClass(key: string, url: string, method: string): Promise<Function> {
  const Class = await resolveRegistered(key, url, importTaskModule)
  if (typeof Class !== "function") throw new ThreadTargetError(`"${key}" is registered but is not a class`)
  if (typeof (Class.prototype as Record<string, unknown>)[method] !== "function")
    throw new ThreadTargetError(`${Class.name} has no method "${method}"`)
  return Class
}
