import { playwright } from "@vitest/browser-playwright"
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config"

// Three runs of real Chromium: the shared suite on a cross-origin-isolated page, the same suite
// on a page without COOP/COEP (no SharedArrayBuffer), and a production build of a fixture app.

const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium"
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
export const isolationHeaders = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
}

function browserProject(name: string, isolated: boolean, groupOrder: number): TestProjectInlineConfiguration {
  return {
    extends: true,
    server: { headers: isolated ? isolationHeaders : {} },
    test: {
      name,
      include: ["test/conformance.test.ts", "test/adapter.test.ts", `test/${name}.test.ts`],
      provide: { isolated },
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
