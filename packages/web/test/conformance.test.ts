// The shared conformance suite, in Chromium (and as a page in Firefox and WebKit, see engines/), through the built adapter. Runs twice: on a
// cross-origin-isolated page and on one without COOP/COEP; capability flags decide the skips.
import { getRuntime } from "@weft/web"
import { groups, skipReason, type Environment } from "@weft/conformance"
import { describe, expect, inject, test } from "vitest"

// A browser page cannot observe a worker's exit code.
const environment: Environment = { ...getRuntime().capabilities, processExit: false, runtime: "web" }

test("the page's isolation is what this project expects, and the capabilities report it", () => {
  expect(crossOriginIsolated).toBe(inject("isolated"))
  // Not the same thing: WebKitGTK has no SharedArrayBuffer even on an isolated page.
  expect(getRuntime().capabilities).toEqual({ sharedMemory: inject("sharedMemory"), blockingWait: false, asyncWait: true })
})

for (const group of groups) {
  describe(group.name, () => {
    for (const testCase of group.cases) {
      const reason = skipReason(testCase, environment)
      test.skipIf(reason !== undefined)(reason ? `${testCase.name} (${reason})` : testCase.name, () => testCase.run(environment))
    }
  })
}
