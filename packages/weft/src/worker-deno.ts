// The worker entry of @weft/deno: an app that bundles its own worker entry imports this first,
// then its task modules.
import "@weft/deno/worker"
