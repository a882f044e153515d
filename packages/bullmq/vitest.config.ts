import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    // Serving processes and threads are the subject under test: one file at a time on 2 cores.
    fileParallelism: false,
    pool: "forks",
  },
})
