import { defineConfig } from "vitest/config"

// Its own config, so vitest does not pick up the page's vite.config.ts (root: web).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Threads are what the demo shows: one file at a time on these 2-core machines.
    fileParallelism: false,
    pool: "forks",
  },
})
