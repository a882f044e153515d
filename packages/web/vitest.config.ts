import { playwright } from "@vitest/browser-playwright"
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config"
import { chromiumArgs, executablePath, isolationHeaders } from "./test/chromium.mjs"

// Three runs of real Chromium: the shared suite on a cross-origin-isolated page, the same suite
// on a page without COOP/COEP (no SharedArrayBuffer), and a production build of a fixture app.

function browserProject(name: string, isolated: boolean, groupOrder: number): TestProjectInlineConfiguration {
  return {
    extends: true,
    server: { headers: isolated ? isolationHeaders : {} },
    test: {
      name,
      include: ["test/conformance.test.ts", "test/adapter.test.ts", `test/${name}.test.ts`],
      provide: { isolated, sharedMemory: isolated },
      sequence: { groupOrder },
      browser: {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        provider: playwright({ launchOptions: { executablePath, args: chromiumArgs } }),
        instances: [{ browser: "chromium" }],
      },
    },
  }
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Threads are the subject under test: one file at a time on these 2-core machines.
    fileParallelism: false,
    projects: [
      browserProject("isolated", true, 1),
      browserProject("open", false, 2),
      {
        extends: true,
        test: { name: "build", include: ["test/fixture-app.test.ts"], environment: "node", sequence: { groupOrder: 3 } },
      },
    ],
  },
})
