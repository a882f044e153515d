/** Lets the process exit while the timer is pending (Node, Deno); browsers have nothing to unref. */
export function unrefTimer<T>(timer: T): T {
  const handle = timer as { unref?: () => void } | null
  if (typeof handle === "object" && handle !== null && typeof handle.unref === "function") handle.unref()
  return timer
}
