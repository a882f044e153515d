// The worker entry every weft thread on Node starts with. It loads the package entry, which
// task modules import anyway, so a worker evaluates each file once.
import { serveWorker } from "@weft/core/adapter"
import "./index.js" // binds core to this runtime; bundling runtime.js here again would load a second copy

serveWorker()
