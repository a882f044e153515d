// The worker entry every weft thread in a browser starts with. An app that bundles its own entry
// imports this module first, then its task modules (see the README).
import { serveWorker } from "@weft/core/adapter"
import "./index.js" // binds core to this runtime; bundling runtime.js here again would load a second copy

serveWorker()
