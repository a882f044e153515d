// The shared conformance suite, in Chromium, through the built adapter. Runs twice: on a
// cross-origin-isolated page and on one without COOP/COEP; capability flags decide the skips.
import { getRuntime } from "@weft/web"
import { groups, skipReason, type Environment } from "@weft/conformance"
import { describe, expect, inject, test } from "vitest"

// A browser page cannot observe a worker's exit code.
const environment: Environment = { ...getRuntime().capabilities, processExit: false, runtime: "web" }

test("the page's isolation is what this project expects, and the capabilities report it", () => {
  const isolated = inject("isolated")
  expect(crossOriginIsolated).toBe(isolated)
  expect(getRuntime().capabilities).toEqual({ sharedMemory: isolated, blockingWait: false, asyncWait: true })
})

for (const group of groups) {
  describe(group.name, () => {
    for (const testCase of group.cases) {
      const reason = skipReason(testCase, environment)
      test.skipIf(reason !== undefined)(reason ? `${testCase.name} (${reason})` : testCase.name, () => testCase.run(environment))
    }
  })
}
