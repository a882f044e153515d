// A worker that meets an unknown key imports the module that registered it. When that module is
// also the program's entry (or a chunk of the page's bundle), its start-up code runs again in
// the worker and starts more threads, each of which does the same: unbounded nesting and no
// result. The worker knows which modules it is importing; a thread started from one of them
// is stopped before it spawns, with a message naming isMainThread().

const importing = new Set<string>()

/** Marks `url` as being imported to find a task while `pending` runs. */
export function trackTaskImport<T>(url: string, pending: () => Promise<T>): Promise<T> {
  importing.add(url)
  let result: Promise<T>
  try {
    result = pending()
  } catch (error) {
    importing.delete(url)
    throw error
  }
  return result.finally(() => importing.delete(url))
}

/** The module being imported for a task whose code is on the current stack, if any. */
function startedFromImport(): string | undefined {
  if (importing.size === 0) return undefined
  const limited = Error as { stackTraceLimit?: number }
  const limit = limited.stackTraceLimit
  // The module's top-level frame may sit under the caller's own helpers.
  if (typeof limit === "number") limited.stackTraceLimit = 100
  const stack = new Error().stack ?? ""
  if (typeof limit === "number") limited.stackTraceLimit = limit
  for (const url of importing) if (stack.includes(url)) return url
  return undefined
}

/** Throws when a thread or pool worker is about to start from a module imported to find a task. */
export function assertNotReentered(what: string): void {
  const url = startedFromImport()
  if (url === undefined) return
  throw new Error(
    `${what} was started by ${url} while a worker was importing it to find a task: that module holds start-up code as well as tasks, and every worker that imports it would start threads again. ` +
      "Guard the start-up code with if (isMainThread()) { ... }, or move the tasks into a module of their own; in a bundle, @weft/bundler's plugin (plugins: [weft()]) gives workers an entry that imports only task modules",
  )
}
