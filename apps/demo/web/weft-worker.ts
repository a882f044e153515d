// The page's worker entry: weft's (picked for the browser by the "weftjs" package), then the demo's
// task modules, so a bundled worker knows every target by its key without importing by URL.
import "weftjs/worker"
import "../src/tile-task.js"
import "../src/tile-renderer.js"
import "../src/render-thread.js"
import "../src/tile-stream.js"
