// The part of Deno's API the Deno tests use (tsc checks them without Deno's lib).
declare namespace Deno {
  interface TestDefinition {
    name: string
    sanitizeOps?: boolean
    sanitizeResources?: boolean
  }
  function test(definition: TestDefinition, fn: () => void | Promise<void>): void
  function execPath(): string
  class Command {
    constructor(command: string, options: { args: string[]; stdout?: "piped"; stderr?: "piped" })
    output(): Promise<{ code: number; stdout: Uint8Array; stderr: Uint8Array }>
  }
}
