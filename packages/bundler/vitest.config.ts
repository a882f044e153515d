import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // Builds and threads are the subject: one file at a time on these 2-core machines.
    fileParallelism: false,
  },
})
