// The floor under any fresh weft thread on Deno: a bare module worker that loads what a weft
// worker must load (@weft/deno, so core, and the task module) and echoes, without weft's protocol.
import "../packages/deno/dist/index.js"
import "./deno.bench.tasks.ts"

self.onmessage = (event: MessageEvent) => self.postMessage(event.data)
