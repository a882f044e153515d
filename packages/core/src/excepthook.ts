// Python's threading.excepthook: what happens to an error of a thread nobody joined. The hook's
// public type (thread.ts) names Thread; here a thread is anything with a name.

/** What a hook is called with. */
export interface HookArgs {
  readonly error: unknown
  readonly thread: { readonly name: string }
}
export type Hook = (args: HookArgs) => unknown

let excepthook: Hook = defaultExcepthook

export function describeThrown(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  // V8's stack starts with "Name: message"; SpiderMonkey's and JavaScriptCore's are frames only.
  const head = `${error.name}: ${error.message}`
  const stack = error.stack
  return stack === undefined || stack === "" ? head : stack.startsWith(head) ? stack : `${head}\n${stack}`
}

export function defaultExcepthook({ error, thread }: HookArgs): void {
  console.error(`Exception in thread ${thread.name}:\n${describeThrown(error)}`)
}

/** Calls the hook; a hook that throws (or rejects) is reported as Python does, and the program goes on. */
export function callExcepthook(args: HookArgs): void {
  const hookFailed = (hookError: unknown): void => {
    defaultExcepthook(args)
    console.error(`Exception in threading.excepthook:\n${describeThrown(hookError)}`)
  }
  try {
    const result: unknown = excepthook(args)
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function")
      (result as PromiseLike<unknown>).then(undefined, hookFailed)
  } catch (hookError) {
    hookFailed(hookError)
  }
}

/** Installs a hook; returns the one it replaces. */
export function swapExcepthook(hook: Hook): Hook {
  const previous = excepthook
  excepthook = hook
  return previous
}
