// The part of Deno's test API the tests use (tsc checks them without Deno's lib).
declare namespace Deno {
  interface TestDefinition {
    name: string
    fn?: () => void | Promise<void>
    ignore?: boolean
    sanitizeOps?: boolean
    sanitizeResources?: boolean
    sanitizeExit?: boolean
  }
  function test(definition: TestDefinition, fn: () => void | Promise<void>): void
  function test(name: string, fn: () => void | Promise<void>): void
}
declare namespace Deno {
  function readTextFileSync(path: string | URL): string
  const env: { get(name: string): string | undefined }
}
declare namespace Deno {
  function execPath(): string
  class Command {
    constructor(command: string, options: { args: string[]; stdout?: "piped"; stderr?: "piped"; signal?: AbortSignal })
    output(): Promise<{ code: number; stdout: Uint8Array; stderr: Uint8Array }>
  }
}
