// The worker entry every weft thread on Node starts with. It loads the package entry, which
// task modules import anyway, so a worker evaluates each file once.
import { serveWorker } from "@weft/core/adapter"
import "./index.js"
import { nodeRuntime } from "./runtime.js"

serveWorker(nodeRuntime)
