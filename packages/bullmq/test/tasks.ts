// Targets the cluster tests submit: the shared suite's, which the servers load too, and one
// registered from a module no server has.
import { threadable } from "@weft/node"
export { square, slowSquare } from "../../conformance/src/tasks/pool-tasks.js"

export const nowhere = threadable("file:///nonexistent/weft/tasks.js", function identityOnlyHere(value: unknown): unknown {
  return value
})
