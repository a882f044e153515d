// An app's own worker entry: weft's entry first, then the app's task modules.
import "@weft/web/worker"
import "./web-tasks.js"

globalThis.weftEntry = "custom"
