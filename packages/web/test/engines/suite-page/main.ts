// The suite page for engines vitest cannot drive here (Firefox, WebKit): it loads the same test
// files Chromium runs under vitest (the shared conformance suite and the adapter's own tests),
// runs them one at a time, and leaves the results on the page for the driver to collect.
// Query: isolated=0|1 and sharedMemory=0|1, what this page is expected to have; grep=text to
// run only the cases whose name contains it; repeat=N to run them N times over (flake hunting).
import { collecting, provide, runAll, type CaseResult } from "./vitest-shim.ts"

interface SuiteState {
  done: boolean
  results: CaseResult[]
  logs: string[]
  engine: string
}

const state: SuiteState = { done: false, results: [], logs: [], engine: navigator.userAgent }
Object.assign(globalThis, { weftSuite: state })

// WebKit's automation mode forwards no console output: keep it here for the driver.
for (const level of ["log", "info", "warn", "error"] as const) {
  const original = console[level].bind(console)
  console[level] = (...args: unknown[]) => {
    state.logs.push(`[${level}] ${args.map((arg) => (arg instanceof Error ? `${arg.name}: ${arg.message}` : String(arg))).join(" ")}`)
    original(...args)
  }
}
addEventListener("error", (event) => state.logs.push(`[page error] ${event.message}`))
addEventListener("unhandledrejection", (event) =>
  state.logs.push(`[unhandled rejection] ${String((event.reason as Error)?.stack ?? event.reason)}`),
)

const params = new URLSearchParams(location.search)
provide({ isolated: params.get("isolated") === "1", sharedMemory: params.get("sharedMemory") === "1" })
const out = document.getElementById("out")!

try {
  collecting("conformance")
  await import("../../conformance.test.ts")
  collecting("adapter")
  await import("../../adapter.test.ts")
  await runAll(
    (result) => {
      state.results.push(result)
      out.textContent = `${state.results.length} run; last: ${result.status} ${result.name}`
    },
    params.get("grep") ?? undefined,
    Number(params.get("repeat") ?? 1),
  )
} catch (error) {
  state.logs.push(`[suite page] ${String((error as Error)?.stack ?? error)}`)
}
state.done = true
document.title = "done"
