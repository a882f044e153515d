// Targets for the adapter's own browser tests. Imported again in every worker that runs one.
import { configureWeb, currentThread, getRuntime, Thread, threadable } from "@weft/web"

declare global {
  // Set by custom-worker.ts, so a test can tell which worker entry ran its thread.
  var weftEntry: string | undefined
}

export const entryName = threadable(import.meta.url, function entryName(): {
  entry: string
  name: string
  workerName: string
  ident: number | null
} {
  const me = currentThread()
  return {
    entry: globalThis.weftEntry ?? "default",
    name: me.name,
    workerName: (globalThis as { name?: string }).name ?? "",
    ident: me.ident,
  }
})

export const capabilitiesInside = threadable(import.meta.url, function capabilitiesInside() {
  return { ...getRuntime().capabilities, isolated: crossOriginIsolated }
})

/** Throws from a timer, outside any job: the worker's uncaught error ends the thread. */
export const throwLater = threadable(import.meta.url, function throwLater(): Promise<never> {
  setTimeout(() => {
    throw new Error("boom from a timer")
  })
  return new Promise(() => {})
})

/** Calls self.close(), then writes flags[0]: nothing after close() may run, as after process.exit(). */
export const closeThenWrite = threadable(import.meta.url, function closeThenWrite(flags: Int32Array): void {
  ;(globalThis as unknown as { close(): void }).close()
  Atomics.store(flags, 0, 1)
})

/**
 * Starts a thread from this thread (the page, or a worker) and counts the Workers made here
 * meanwhile: the thread's own, plus the spare core boots on a 0 ms timer after start(), if any.
 * Counted through configureWeb({ createWorker }), which also drops this thread's current spare.
 * (Not by replacing globalThis.Worker: late in the suite, WebKit's adapter code went on calling
 * the original.)
 */
export async function workersMadeForAThread(): Promise<number> {
  let made = 0
  configureWeb({
    createWorker: ({ name }) => {
      made++
      return new Worker(new URL("./custom-worker.ts", import.meta.url), { type: "module", name })
    },
  })
  try {
    const thread = new Thread({ target: capabilitiesInside })
    thread.start()
    await thread.join()
    await new Promise((resolve) => setTimeout(resolve, 0)) // the spare's boot timer, if set, has run
    return made
  } finally {
    configureWeb({ createWorker: undefined })
  }
}

export const workersMadeForANestedThread = threadable(import.meta.url, function workersMadeForANestedThread(): Promise<number> {
  return workersMadeForAThread()
})
