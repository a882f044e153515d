import type { WarmMessage } from "./protocol.js"
import type { Runtime, SpawnOptions, WorkerHandle } from "./runtime.js"
import { assertNotReentered } from "./task-import-guard.js"
import { unrefTimer } from "./unref-timer.js"

// Starting a worker (loading the runtime, then core) is most of a Thread's start-up cost. Like
// a thread cache, weft keeps one spare worker booted in the background once threads are in use:
// start() takes it and a new spare boots while the thread runs (or, where spawning blocks the
// caller, once the thread has ended). The spare is unref'd (it never keeps a process alive) and
// retires after a while unused. Threads with per-runtime options (resource limits, env,
// permissions) always get a fresh worker.

const RETIRE_AFTER_MS = 10_000
const WARM: WarmMessage = { t: "warm" }

interface Spare {
  readonly runtime: Runtime
  readonly handle: WorkerHandle
  retire: ReturnType<typeof setTimeout> | undefined
}

let spare: Spare | undefined
let booting = false

export function acquireWorker(runtime: Runtime, options: SpawnOptions): WorkerHandle {
  assertNotReentered(`the thread ${options.name ?? ""}`.trimEnd())
  if (options.options !== undefined) return runtime.spawn(options)
  let handle: WorkerHandle
  const ready = spare
  if (ready !== undefined && ready.runtime === runtime) {
    spare = undefined
    clearTimeout(ready.retire)
    handle = ready.handle
    if (!options.daemon) handle.ref()
  } else {
    handle = runtime.spawn(options)
  }
  if (!runtime.spawnBlocks) bootSpare(runtime)
  return handle
}

/** A thread started through acquireWorker has ended: where spawning blocks, the next spare boots now. */
export function threadFinished(runtime: Runtime): void {
  if (runtime.spawnBlocks) bootSpare(runtime)
}

/**
 * Terminates the spare, so the next thread starts on a worker spawned from now on. Adapters call
 * it when a setting that shapes new workers changes (the web adapter's `configureWeb`).
 */
export function discardSpareWorker(): void {
  const entry = spare
  if (entry === undefined) return
  spare = undefined
  clearTimeout(entry.retire)
  void entry.handle.terminate()
}

function bootSpare(runtime: Runtime): void {
  if (spare !== undefined || booting || runtime.spareWorker === false) return
  booting = true
  // Boot after the caller's start() has returned, so the spare never delays the thread at hand.
  const timer = setTimeout(() => {
    booting = false
    if (spare !== undefined) return
    let handle: WorkerHandle
    try {
      handle = runtime.spawn({ daemon: true })
    } catch {
      return
    }
    try {
      handle.post(WARM) // see WarmMessage: the thread that takes this spare sends the second message
    } catch {
      // a worker that cannot take a message fails its thread's run message the same way
    }
    const entry: Spare = { runtime, handle, retire: undefined }
    entry.retire = setTimeout(() => {
      if (spare === entry) spare = undefined
      void handle.terminate()
    }, RETIRE_AFTER_MS)
    unrefTimer(entry.retire)
    handle.exited.then(() => {
      if (spare === entry) spare = undefined
    })
    spare = entry
  }, 0)
  unrefTimer(timer)
}
