// The page without the plugin: the documented manual recipe, a worker entry of the app's own.
import { configureWeb } from "weftjs"
import { runScenarios } from "./scenarios.js"
import { report } from "./report.js"

configureWeb({ createWorker: () => new Worker(new URL("./weft-worker.js", import.meta.url), { type: "module" }) })
report(await runScenarios())
