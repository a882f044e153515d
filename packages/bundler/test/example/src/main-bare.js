// The page with neither the plugin nor a worker entry: each failure must name its cause and fix.
import { runScenarios } from "./scenarios.js"
import { report } from "./report.js"

report(await runScenarios())
