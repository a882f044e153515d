/** What a permission may be set to: everything, nothing, the parent's grant, or a list of allowed items. */
export type DenoPermissionValue = "inherit" | boolean | ReadonlyArray<string | URL>

/** Deno's `WorkerOptions.deno.permissions`: "inherit", "none", or a grant per permission. */
export type DenoPermissions =
  | "inherit"
  | "none"
  | {
      readonly read?: DenoPermissionValue
      readonly write?: DenoPermissionValue
      readonly net?: DenoPermissionValue
      readonly env?: DenoPermissionValue
      readonly sys?: DenoPermissionValue
      readonly run?: DenoPermissionValue
      readonly ffi?: DenoPermissionValue
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
    readonly deno?: DenoThreadOptions
  }
}
