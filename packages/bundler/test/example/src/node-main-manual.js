// The same program bundled without the plugin: weft stays external, and because a worker
// imports this bundle to find its tasks, start-up code runs only on the main thread.
import { isMainThread } from "weftjs"
import { runScenarios } from "./scenarios.js"

if (isMainThread()) {
  const results = await runScenarios()
  console.log(JSON.stringify(results))
}
