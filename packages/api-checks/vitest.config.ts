import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // tsc and TypeDoc over every package take tens of seconds on a busy 2-core machine.
    testTimeout: 300_000,
    fileParallelism: false,
    // Type tests (*.test-d.ts) are checked by tsc, each test() a case in the report.
    typecheck: { include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
})
