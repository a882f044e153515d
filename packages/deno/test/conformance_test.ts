// The shared conformance suite, on Deno workers, through the built adapter.
import { getRuntime } from "@weft/deno"
import { groups, skipReason, type Environment } from "@weft/conformance"

// Deno reports a worker's Deno.exit(n) code (the adapter relays it from the worker's `unload`).
const environment: Environment = { ...getRuntime().capabilities, processExit: true, runtime: "deno" }

for (const group of groups) {
  for (const testCase of group.cases) {
    const reason = skipReason(testCase, environment)
    Deno.test(
      {
        name: `${group.name} > ${testCase.name}${reason ? ` (${reason})` : ""}`,
        ignore: reason !== undefined,
        // Spare and pool workers outlive single cases by design; the cases check their own leaks.
        sanitizeOps: false,
        sanitizeResources: false,
      },
      async () => {
        // Like vitest, the runner keeps the process alive while a case runs: `deno test` alone
        // stops at once when a case awaits only daemon (unref'd) threads.
        const runner = setInterval(() => {}, 1 << 30)
        try {
          await testCase.run(environment)
        } finally {
          clearInterval(runner)
        }
      },
    )
  }
}
