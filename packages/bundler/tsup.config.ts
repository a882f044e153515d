import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/index.ts", "src/vite.ts", "src/rollup.ts", "src/webpack.ts", "src/esbuild.ts", "src/rspack.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  target: "node20",
  platform: "node",
  sourcemap: true,
  external: ["unplugin"],
})
