// Tiny targets for deno.bench.ts.
import { threadable } from "../packages/deno/dist/index.js"

export const echo = threadable(import.meta.url, function echo<T>(value: T): T {
  return value
})
