// The manual worker entry: weft's worker side first, then every task module.
import "weft/worker"
import "./tasks.js"
