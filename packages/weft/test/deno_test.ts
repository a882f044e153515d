// "weft" under `deno test`: the `deno` condition picks @weft/deno.
import { checkThread } from "./fixtures/check-weft.ts"

Deno.test({ name: "import { Thread } from 'weft' runs a thread on @weft/deno", sanitizeOps: false, sanitizeResources: false }, async () => {
  await checkThread("deno")
})
