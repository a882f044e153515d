import { defineConfig, type Options } from "tsup"

// One file per export condition, each re-exporting its adapter. The adapters stay external
// (they are dependencies), so a worker and the page's code load the same copy of core.
// One build per entry: a shared declaration build would hoist each adapter's side-effect
// import into every entry's .d.ts (the browser types would then pull in Node's).
const entry = (name: string): Options => ({
  entry: [`src/${name}.ts`],
  format: ["esm"],
  dts: true,
  clean: false,
  target: "es2022",
  sourcemap: true,
  splitting: false,
})

export default defineConfig(["node", "deno", "browser", "worker-node", "worker-deno", "worker-browser"].map(entry))
