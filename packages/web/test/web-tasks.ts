// Targets for the adapter's own browser tests. Imported again in every worker that runs one.
import { currentThread, getRuntime, Thread, threadable } from "@weft/web"

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
 * Starts a thread from inside this one and counts the Workers this thread made meanwhile: the
 * nested thread's own, plus its spare if one were booted (on a 0 ms timer after start()).
 */
export const workersMadeForANestedThread = threadable(import.meta.url, async function workersMadeForANestedThread(): Promise<number> {
  const Original = globalThis.Worker
  let made = 0
  // A Proxy, not a subclass: WebKit makes a plain Worker from a subclass of it.
  globalThis.Worker = new Proxy(Original, {
    construct(target, args: ConstructorParameters<typeof Worker>) {
      made++
      return new target(...args)
    },
  })
  try {
    const inner = new Thread({ target: capabilitiesInside })
    inner.start()
    await inner.join()
    await new Promise((resolve) => setTimeout(resolve, 0)) // a spare's boot timer, had one been set, has run
    return made
  } finally {
    globalThis.Worker = Original
  }
})
