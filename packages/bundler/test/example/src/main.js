// The page with @weft/bundler: no worker entry, no configureWeb.
import { Thread } from "weftjs"
import { runScenarios } from "./scenarios.js"
import { Doubler, triple } from "./tasks-unnamed.js"
import { report } from "./report.js"

const unnamed = {
  unnamed: async () => {
    const a = new Thread({ target: triple, args: [14] })
    const b = new Thread({ target: new Doubler(21), method: "twice" })
    a.start()
    b.start()
    return [await a.join(), await b.join()]
  },
}
report(await runScenarios(unnamed))
