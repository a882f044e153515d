import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Threads are the subject under test: run files one at a time on these 2-core machines.
    fileParallelism: false,
    pool: "forks",
  },
})
