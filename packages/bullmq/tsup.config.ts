import { defineConfig } from "tsup"

export default defineConfig({
  // job-runner: its own entry, so the chunk pool threads import holds no BullMQ or Redis code.
  // queue-thread: the entry of the thread serve() runs its BullMQ Worker on.
  entry: ["src/index.ts", "src/cli.ts", "src/job-runner.ts", "src/queue-thread.ts"],
  format: ["esm"],
  dts: { entry: ["src/index.ts"] },
  clean: true,
  target: "es2022",
  sourcemap: true,
})
