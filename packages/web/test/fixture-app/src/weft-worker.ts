// The app's own worker entry: weft's entry, then the app's task modules, bundled together.
import "@weft/web/worker"
import "./tasks"
