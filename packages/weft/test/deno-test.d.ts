// The part of Deno's test API the Deno tests use (tsc checks them without Deno's lib).
declare namespace Deno {
  interface TestDefinition {
    name: string
    ignore?: boolean
    sanitizeOps?: boolean
    sanitizeResources?: boolean
  }
  function test(definition: TestDefinition, fn: () => void | Promise<void>): void
  function exit(code: number): never
}
