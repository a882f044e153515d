import "vitest"

declare module "vitest" {
  export interface ProvidedContext {
    /** Whether this project's page is served with COOP/COEP (cross-origin isolated). */
    isolated: boolean
  }
}
