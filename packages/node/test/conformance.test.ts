// The shared conformance suite, on Node's worker_threads.
import { getRuntime } from "@weft/node"
import { groups, skipReason, type Environment } from "@weft/conformance"
import { describe, test } from "vitest"

const environment: Environment = { ...getRuntime().capabilities, processExit: true, runtime: "node" }

for (const group of groups) {
  describe(group.name, () => {
    for (const testCase of group.cases) {
      const reason = skipReason(testCase, environment)
      test.skipIf(reason !== undefined)(reason ? `${testCase.name} (${reason})` : testCase.name, () => testCase.run(environment))
    }
  })
}
