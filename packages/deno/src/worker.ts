// The worker entry every weft thread on Deno starts with. It loads the package entry, which
// task modules import anyway, so a worker evaluates each file once.
import { serveWorker } from "@weft/core"
import { denoRuntime } from "./index.js"

serveWorker(denoRuntime)
