export type { Case, Group, Environment, Requirements } from "./harness.js"
export { skipReason } from "./harness.js"
export { executorCases, type ExecutorFixture, type Gate } from "./cases/executor.js"
export type { GateHandle } from "./tasks/executor-tasks.js"
import type { Group } from "./harness.js"
import { threadCases } from "./cases/thread.js"
import { primitiveCases } from "./cases/primitives.js"
import { queueCases } from "./cases/queue.js"
import { poolCases } from "./cases/pool.js"
import { pythonCases } from "./cases/python.js"
import { streamCases } from "./cases/stream.js"

/** Every group of the shared suite, in the order runners report them. */
export const groups: readonly Group[] = [threadCases, primitiveCases, queueCases, poolCases, pythonCases, streamCases]
