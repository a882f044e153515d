// What a Thread's job and a pool task share inside the worker: finding the target from its
// reference, rebuilding a style-2/3 object from its fields, explaining a failure, and collecting
// the fields to write back. The two callers differ only in their hot paths around these steps.
import { ThreadTargetError } from "../errors.js"
import { compileInline, explainMissingIdentifier } from "../inline-target.js"
import { assignFields, collectState, fieldNotClonedBack } from "../object-state.js"
import type { StateWriteBack, TargetRef } from "../protocol.js"
import { resolveRegistered } from "../registry.js"
import { importTaskModule } from "../runtime.js"
import { resolveFunction, resolveMethodClass } from "../target-resolve.js"
import { Thread } from "../thread.js"

export type ResolvedTarget =
  | { readonly kind: "function"; readonly fn: (...args: unknown[]) => unknown; readonly inline: string | undefined }
  | { readonly kind: "method"; readonly Class: Function; readonly method: string }
  | { readonly kind: "subclass"; readonly Class: Function }
  | { readonly kind: "none" }

/** Finds the code a reference names, importing a registered target's module when this thread has not yet. */
export async function resolveTarget(ref: TargetRef): Promise<ResolvedTarget> {
  switch (ref.kind) {
    case "registered":
      return { kind: "function", fn: await resolveFunction(ref.key, ref.url), inline: undefined }
    case "inline":
      return { kind: "function", fn: compileInline(ref.source, ref.name), inline: ref.name }
    case "method":
      return { kind: "method", Class: await resolveMethodClass(ref.key, ref.url, ref.method), method: ref.method }
    case "subclass": {
      const Class = await resolveRegistered(ref.key, ref.url, importTaskModule)
      if (typeof Class !== "function" || !(Class.prototype instanceof Thread))
        throw new ThreadTargetError(`"${ref.key}" is registered but is not a Thread subclass`)
      return { kind: "subclass", Class }
    }
    case "none":
      return { kind: "none" }
    default:
      throw new ThreadTargetError(`unknown target kind "${String((ref as { kind?: unknown }).kind)}"`)
  }
}

/** A style-2 object rebuilt on its class's prototype from its fields; no constructor runs. */
export function rebuildObject(Class: Function, fields: Record<string, unknown> | undefined): Record<string, unknown> {
  const self = Object.create(Class.prototype as object) as Record<string, unknown>
  if (fields !== undefined) assignFields(self, fields)
  return self
}

/** An inline target's ReferenceError names the outer variable it needs; any other error is itself. */
export function explainFailure(error: unknown, target: ResolvedTarget | undefined): unknown {
  if (target?.kind !== "function" || target.inline === undefined) return error
  try {
    return explainMissingIdentifier(error, target.inline)
  } catch {
    return error // a thrown value that cannot even be inspected (a revoked Proxy): serializeThrown reports it
  }
}

/**
 * The fields an object's run left on it, to write back. A field that cannot be cloned back turns
 * a success into an error naming it (`owner` says whose object); a failure stays the failure.
 */
export function collectObject(self: object, failed: boolean, owner: string): { state: StateWriteBack; error: TypeError | undefined } {
  const { state, failed: fields } = collectState(self)
  return { state, error: fields.length > 0 && !failed ? fieldNotClonedBack(fields[0]!, owner) : undefined }
}
