import { defineConfig } from "vitest/config"

// Core's pure parts, tested from source without workers: the behaviour across threads is the
// conformance suite's, run on every adapter.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
  },
})
