/**
 * The cross-runtime entry: one import that picks the Node, Deno or browser adapter by export condition.
 * @module weftjs
 */
// The `node` and `bun` conditions: Bun implements node:worker_threads, so it runs the Node adapter.
export * from "@weft/node"
