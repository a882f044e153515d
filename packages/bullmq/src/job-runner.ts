import { importTaskModule, isThenable, lookupRegistered, serializeThrown } from "@weft/core/adapter"
import { threadable, ThreadTargetError } from "@weft/node"
import { failureText } from "./job-data.js"
import { decodeValue, encodeResult } from "./wire.js"

// Runs on a thread of a server's pool: one pool task for several jobs that arrived together.
// Each job is decoded, run and encoded here, on the pool thread, and answered on its own: its
// result as encoded text, or its error as the failure text BullMQ stores. The server's main
// thread then only passes text between BullMQ and the pool.

/** Per job in a batch: its registry key and its encoded arguments. */
export const JOB_STRIDE = 2
/** Per job in the answer: status (OK or FAILED), text (encoded result or failure text), run time in ms. */
export const OUTCOME_STRIDE = 3
export const OK = 0
export const FAILED = 1

/**
 * Runs `jobs` (key, encoded args, ...) in order. Synchronous while the targets are; once one
 * returns a promise, the rest run after it settles (a thread runs one task at a time).
 * `urls` names, per key, the module that registers it on this server, imported here if needed.
 * Both come as one JSON text: `[urls, jobs]`.
 */
function runJobs(batch: string): unknown[] | Promise<unknown[]> {
  const [urls, jobs] = JSON.parse(batch) as [Record<string, string>, string[]]
  const outcomes = new Array<unknown>((jobs.length / JOB_STRIDE) * OUTCOME_STRIDE)
  return runFrom(0, urls, jobs, outcomes)
}

// Keyed by its module's URL: two copies of this package in one app register a runner each.
threadable(import.meta.url, runJobs, { name: `@weft/bullmq:runJobs:${import.meta.url}` })
export { runJobs }

function runFrom(
  first: number,
  urls: Readonly<Record<string, string>>,
  jobs: readonly string[],
  outcomes: unknown[],
): unknown[] | Promise<unknown[]> {
  for (let i = first; i < jobs.length / JOB_STRIDE; i++) {
    const key = jobs[i * JOB_STRIDE]!
    const started = performance.now()
    let value: unknown
    try {
      const fn = lookupRegistered(key)
      if (typeof fn !== "function") return runAsync(i, urls, jobs, outcomes)
      value = fn(...(decodeValue(jobs[i * JOB_STRIDE + 1]!) as unknown[]))
    } catch (error) {
      answerError(outcomes, i, error, started)
      continue
    }
    if (isThenable(value))
      return Promise.resolve(value).then(
        (settled) => (answer(outcomes, i, key, settled, started), runFrom(i + 1, urls, jobs, outcomes)),
        (error: unknown) => (answerError(outcomes, i, error, started), runFrom(i + 1, urls, jobs, outcomes)),
      )
    answer(outcomes, i, key, value, started)
  }
  return outcomes
}

/** Job `i`'s target is not loaded in this thread yet: import its module, then go on. */
async function runAsync(
  i: number,
  urls: Readonly<Record<string, string>>,
  jobs: readonly string[],
  outcomes: unknown[],
): Promise<unknown[]> {
  const key = jobs[i * JOB_STRIDE]!
  let started = performance.now()
  try {
    const url = urls[key]
    if (url !== undefined) await importTaskModule(url) // as the pool loads targets (a .ts module through tsx)
    started = performance.now() // a module loads once per thread: not the job's run time
    const fn = lookupRegistered(key)
    if (typeof fn !== "function")
      throw new ThreadTargetError(`no task is registered as "${key}" in this server's threads (its module: ${url})`)
    const value = await fn(...(decodeValue(jobs[i * JOB_STRIDE + 1]!) as unknown[]))
    answer(outcomes, i, key, value, started)
  } catch (error) {
    answerError(outcomes, i, error, started)
  }
  return runFrom(i + 1, urls, jobs, outcomes)
}

function answer(outcomes: unknown[], i: number, key: string, value: unknown, started: number): void {
  let text: string
  try {
    text = encodeResult(value, key)
  } catch (error) {
    return answerError(outcomes, i, error, started)
  }
  const at = i * OUTCOME_STRIDE
  outcomes[at] = OK
  outcomes[at + 1] = text
  outcomes[at + 2] = performance.now() - started
}

function answerError(outcomes: unknown[], i: number, error: unknown, started: number): void {
  const at = i * OUTCOME_STRIDE
  outcomes[at] = FAILED
  outcomes[at + 1] = failureText(serializeThrown(error))
  outcomes[at + 2] = performance.now() - started
}
