// The page's own weft worker entry: weft's, then the task module, bundled together.
import "@weft/web/worker"
import "./tasks.js"
