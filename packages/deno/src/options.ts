/** What a permission may be set to: everything, nothing, the parent's grant, or a list of allowed items. */
export type DenoPermissionValue = "inherit" | boolean | ReadonlyArray<string | URL>

/** Deno's `WorkerOptions.deno.permissions`: "inherit", "none", or a grant per permission. */
export type DenoPermissions =
  | "inherit"
  | "none"
  | {
      /** File system reads (`--allow-read`). */
      readonly read?: DenoPermissionValue
      /** File system writes (`--allow-write`). */
      readonly write?: DenoPermissionValue
      /** Network access (`--allow-net`). */
      readonly net?: DenoPermissionValue
      /** Environment variables (`--allow-env`). */
      readonly env?: DenoPermissionValue
      /** System information (`--allow-sys`). */
      readonly sys?: DenoPermissionValue
      /** Running subprocesses (`--allow-run`). */
      readonly run?: DenoPermissionValue
      /** Loading native libraries (`--allow-ffi`). */
      readonly ffi?: DenoPermissionValue
      /** Importing code from the network (`--allow-import`). */
      readonly import?: DenoPermissionValue
    }

/** Deno-only thread options, passed as `{ deno: { ... } }` in `Thread`/`ThreadPool` options. */
export interface DenoThreadOptions {
  /**
   * What the thread may do. Omitted: the parent's permissions. A thread can only be given less
   * than its parent has; in the object form Deno denies every permission that is not listed
   * (list `read: "inherit"` to keep one). Needs `--unstable-worker-options` (Deno's rule).
   */
  readonly permissions?: DenoPermissions
}

declare module "@weft/core" {
  interface RuntimeThreadOptions {
    /** Options only Deno applies (`permissions`). */
    readonly deno?: DenoThreadOptions
  }
}
