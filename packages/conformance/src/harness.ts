import type { Capabilities } from "@weft/core"

/** What a case needs from the runtime, beyond the basics every adapter provides. */
export interface Requirements extends Partial<Record<keyof Capabilities, boolean>> {
  /** The runner's host can observe a process exit code (Node and Deno, not a browser page). */
  readonly processExit?: boolean
}

export interface Case {
  readonly name: string
  readonly requires?: Requirements
  readonly run: (environment: Environment) => Promise<void> | void
}

export interface Group {
  readonly name: string
  readonly cases: readonly Case[]
}

export function group(name: string, cases: readonly Case[]): Group {
  return { name, cases }
}

/** The facts a runner passes in: the runtime's capabilities and what its host can observe. */
export type Environment = Capabilities & { readonly processExit: boolean; readonly runtime: string }

/** Why a case cannot run here, or undefined when it can. */
export function skipReason(testCase: Case, environment: Environment): string | undefined {
  for (const [flag, needed] of Object.entries(testCase.requires ?? {})) {
    if (environment[flag as keyof Environment] !== needed) return `needs ${flag}=${String(needed)}`
  }
  return undefined
}
