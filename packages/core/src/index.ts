export type { Capabilities, Endpoint, MessageListener, Runtime, SpawnOptions, WorkerExit, WorkerHandle } from "./runtime.js"
export { getRuntime, hasRuntime, setRuntime } from "./runtime.js"
export { threadable, type ThreadableOptions } from "./registry.js"
export {
  Thread,
  currentThread,
  mainThread,
  enumerate,
  activeCount,
  getIdent,
  setExcepthook,
  type ThreadOptions,
  type RuntimeThreadOptions,
  type JoinOptions,
  type Excepthook,
  type ExcepthookArgs,
} from "./thread.js"
export { Timer } from "./timer.js"
export {
  ThreadTargetError,
  ThreadExitError,
  ThreadTerminatedError,
  TimeoutError,
  CancelledError,
  BrokenBarrierError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  RuntimeError,
} from "./errors.js"
export { serveWorker } from "./worker-host.js"
export { isMainThread } from "./is-main-thread.js"
export { registerShareable, markSharedInUse, toShared, type Shareable, type SharedRecord } from "./shareable.js"
