import { defineConfig } from "tsup"

export default defineConfig({
  // Two entries over shared chunks: one copy of core's state whichever a module imports.
  entry: ["src/index.ts", "src/adapter.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  target: "es2022",
  sourcemap: true,
  // Not minified: esbuild drops the bundler hints on core's dynamic imports (webpackIgnore,
  // @vite-ignore), and webpack and Rspack then warn and try to bundle what users' tasks import.
})
