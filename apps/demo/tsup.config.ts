import { defineConfig } from "tsup"

// Not bundled: each module stays its own file, so a worker that imports a task module (by the
// URL `threadable` recorded) loads that module and what it imports, never the CLI.
export default defineConfig({
  entry: ["src/*.ts"],
  format: ["esm"],
  bundle: false,
  clean: false,
  target: "es2022",
  sourcemap: true,
})
