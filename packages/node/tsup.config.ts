import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/index.ts", "src/worker.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  target: "es2022",
  sourcemap: true,
  // Every module file a worker loads costs about a millisecond of its start-up: the worker entry
  // imports the package entry (which task modules import anyway) instead of a shared chunk.
  splitting: false,
  external: ["./index.js"],
})
