// The same program as a Node CLI bundled with the plugin: start-up code needs no guard, because
// workers load the emitted worker entry, never this file.
import { runScenarios } from "./scenarios.js"

const results = await runScenarios()
console.log(JSON.stringify(results))
