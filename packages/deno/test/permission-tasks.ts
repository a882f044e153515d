// Targets for the permission tests: each touches one thing a thread may or may not be granted.
import { threadable } from "@weft/deno"

export const readText = threadable(import.meta.url, function readText(path: string): string {
  return Deno.readTextFileSync(path)
})

export const readEnv = threadable(import.meta.url, function readEnv(name: string): string | undefined {
  return Deno.env.get(name)
})
