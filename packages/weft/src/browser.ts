// The `browser` and `default` conditions: module Web Workers, the one worker API every
// other runtime shares.
export * from "@weft/web"
