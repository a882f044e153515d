// The few Deno globals this adapter touches. The package compiles with tsc (lib DOM for the web
// worker API), not against Deno's own lib, so they are declared here; nothing here is exported.

interface WorkerOptions {
  /** Deno's extension to the Worker constructor; `permissions` needs `--unstable-worker-options`. */
  deno?: { permissions?: unknown }
}

declare namespace Deno {
  /** The code `Deno.exit()` was called with, or set by the program. */
  let exitCode: number
  function exit(code?: number): never
  /** Deno's error classes (`NotCapable`, `PermissionDenied`, `NotFound`, ...). */
  const errors: Record<string, new (message?: string, options?: { cause?: unknown }) => Error>
}

/** Defined inside workers only (the DOM lib does not declare it). */
declare var WorkerGlobalScope: (abstract new () => object) | undefined
