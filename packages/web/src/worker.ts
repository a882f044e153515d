// The worker entry every weft thread in a browser starts with. An app that bundles its own entry
// imports this module first, then its task modules (see the README).
import { serveWorker } from "@weft/core/adapter"
import "./index.js"
import { webRuntime } from "./runtime.js"

serveWorker(webRuntime)
