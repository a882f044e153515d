// The worker entry of @weft/web: an app that bundles its own worker entry imports this first,
// then its task modules.
import "@weft/web/worker"
