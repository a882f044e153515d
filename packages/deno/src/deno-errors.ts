import { threadable } from "@weft/core"

// Deno's error classes (NotCapable, PermissionDenied, NotFound, ...) are registered in every
// thread, so a permission error thrown in a thread is still `instanceof Deno.errors.NotCapable`
// after it crosses to the caller.
export function registerDenoErrors(): void {
  if (typeof Deno === "undefined") return
  for (const [name, ErrorClass] of Object.entries(Deno.errors)) {
    if (typeof ErrorClass === "function") threadable(import.meta.url, ErrorClass, { name: `Deno.errors.${name}` })
  }
}
