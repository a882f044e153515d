// The worker entry every weft thread on Node starts with.
import { serveWorker } from "@weft/core"
import { nodeRuntime } from "./runtime.js"

serveWorker(nodeRuntime)
