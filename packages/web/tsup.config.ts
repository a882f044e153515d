import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/index.ts", "src/worker.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  target: "es2022",
  sourcemap: true,
  // The worker entry imports the package entry (which task modules import anyway) instead of a
  // shared chunk, so a worker holds one copy of core and loads one module file fewer.
  splitting: false,
  external: ["./index.js"],
})
