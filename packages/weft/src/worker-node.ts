// The worker entry of @weft/node: an app that bundles its own worker entry imports this first,
// then its task modules.
import "@weft/node/worker"
