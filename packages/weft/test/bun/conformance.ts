// The Node adapter's conformance suite under Bun, reached through "weftjs": Bun sets the `bun`
// condition, which picks @weft/node on Bun's node:worker_threads. Run with `bun test` (see
// ../run-all.mjs); the shared suite is the one every adapter runs, not a copy.
import { describe, test } from "bun:test"
import { groups, skipReason, type Environment } from "@weft/conformance"
import { getRuntime } from "weftjs"
import { checkLockAndPool, checkThread } from "../fixtures/check-weft.ts"

const runtime = getRuntime()
const environment: Environment = { ...runtime.capabilities, processExit: true, runtime: "bun" }

describe("weft on Bun", () => {
  test("import { Thread } from 'weftjs' runs a thread on @weft/node under Bun", async () => {
    if (typeof (globalThis as { Bun?: unknown }).Bun !== "object") throw new Error("this runner must run under Bun")
    await checkThread("node")
  })

  test("Lock and ThreadPool from 'weftjs' work across Bun threads", async () => {
    await checkLockAndPool("node")
  })
})

for (const group of groups) {
  describe(group.name, () => {
    for (const testCase of group.cases) {
      const reason = skipReason(testCase, environment)
      test.skipIf(reason !== undefined)(reason ? `${testCase.name} (${reason})` : testCase.name, () => testCase.run(environment), 30_000)
    }
  })
}
