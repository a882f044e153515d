import type { Executor } from "@weft/node"
export function report(executor: Executor): Promise<string[]>
