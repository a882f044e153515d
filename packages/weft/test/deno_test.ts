// "weftjs" under `deno test`: the `deno` condition picks @weft/deno.
import { checkLockAndPool, checkThread } from "./fixtures/check-weft.ts"

Deno.test(
  { name: "import { Thread } from 'weftjs' runs a thread on @weft/deno", sanitizeOps: false, sanitizeResources: false },
  async () => {
    await checkThread("deno")
  },
)

Deno.test(
  { name: "Lock and ThreadPool from 'weftjs' work across Deno workers", sanitizeOps: false, sanitizeResources: false },
  async () => {
    await checkLockAndPool("deno")
  },
)
