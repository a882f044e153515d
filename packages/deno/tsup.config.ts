import { readFile, writeFile } from "node:fs/promises"
import { defineConfig } from "tsup"

const entries = ["index", "worker"]

export default defineConfig({
  entry: entries.map((name) => `src/${name}.ts`),
  format: ["esm"],
  dts: true,
  clean: true,
  target: "es2022",
  sourcemap: true,
  // The worker entry imports the package entry (which task modules import anyway) rather than
  // a shared chunk: one module file fewer per worker, and one copy of core per thread.
  splitting: false,
  external: ["./index.js"],
  // JSR (which gets dist/ too) reads a JavaScript module's types from a @ts-self-types comment.
  // Prepended to the first line so the source map's line numbers stay right.
  async onSuccess() {
    for (const name of entries) {
      const file = `dist/${name}.js`
      const code = await readFile(file, "utf8")
      if (!code.startsWith("/* @ts-self-types")) await writeFile(file, `/* @ts-self-types="./${name}.d.ts" */ ${code}`)
    }
  },
})
