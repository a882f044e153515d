// The manual worker entry: weft's worker side first, then every task module.
import "weftjs/worker"
import "./tasks.js"
