// The `deno` condition: Deno module workers, with per-thread permissions.
export * from "@weft/deno"
