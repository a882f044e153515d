// The floor under any cold weft thread: a bare worker that loads what a weft worker must load
// (@weft/node, so core, and the task module) and raises a flag, without weft's start protocol.
import { workerData } from "node:worker_threads"
import "@weft/node"
import "./thread-tasks.mjs"

Atomics.store(workerData.flags, 0, 1)
Atomics.notify(workerData.flags, 0)
