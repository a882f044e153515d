// Inside a Web Worker (browsers, Deno): core's onExit hooks, run before the worker's exit notice
// goes out, so what they post (a pool worker's held results) arrives while the parent still
// listens.

/** The hooks to run when this worker ends itself. */
export class ExitHooks {
  readonly #hooks: (() => void)[] = []

  /** Registers `hook`: the adapter's `Runtime.onExit`. */
  add(hook: () => void): void {
    this.#hooks.push(hook)
  }

  /** Runs every hook once (a second call finds them done); a throwing hook does not stop the rest. */
  run(): void {
    for (const hook of this.#hooks.splice(0)) {
      try {
        hook()
      } catch {
        // The worker is ending either way; the notice must still go out.
      }
    }
  }
}
