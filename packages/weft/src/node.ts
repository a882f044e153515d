// The `node` and `bun` conditions: Bun implements node:worker_threads, so it runs the Node adapter.
export * from "@weft/node"
