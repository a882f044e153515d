import { TimeoutError } from "./errors.js"

/** join({ timeout }): rejects with TimeoutError when `timeout` ms pass first (the thread runs on); `release` lets go of what the join held. */
export function withJoinTimeout<T>(result: Promise<T>, timeout: number, release: (() => void) | undefined, name: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        release?.()
        reject(new TimeoutError(`thread ${name} did not finish within ${timeout} ms; it is still running`))
      },
      Math.max(0, timeout),
    )
    result.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    )
  })
}
