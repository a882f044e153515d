import "vitest"

declare module "vitest" {
  export interface ProvidedContext {
    /** Whether this project's page is served with COOP/COEP (cross-origin isolated). */
    isolated: boolean
    /** Whether SharedArrayBuffer exists there (an isolated WebKitGTK page has none). */
    sharedMemory: boolean
  }
}
