import { deserializeThrown, serializeThrown } from "../error-transport.js"
import { writeBackState } from "../object-state.js"
import { decodeShared } from "../shareable.js"
import { FROM_THREAD } from "../shared-record.js"
import { FAILED, HAS_STATE, SHARED } from "./pool-protocol.js"
import type { PoolTask } from "./pool-task.js"

/**
 * Settles a task with what its worker sent (a style-2 object's fields are written back first);
 * what cannot be rebuilt fails this task alone. Returns whether the task succeeded.
 */
export function settleFromWorker(task: PoolTask, status: number, value: unknown, label: string): boolean {
  let failed = (status & FAILED) !== 0
  try {
    if (status & HAS_STATE) {
      const carried = value as { value: unknown; state: Parameters<typeof writeBackState>[1] }
      if (typeof carried !== "object" || carried === null) throw new TypeError("weft: a malformed task result arrived from a worker")
      if (task.rare?.self !== undefined) writeBackState(task.rare.self, carried.state)
      value = carried.value
    }
    if (!failed && status & SHARED) value = decodeShared(value, FROM_THREAD)
  } catch (error) {
    failed = true
    value = serializeThrown(error)
  }
  if (failed) task.settleError(deserializeThrown(value, task.submitSite(label)))
  else task.settleValue(value)
  return !failed
}
