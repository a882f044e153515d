/**
 * Python's `threading` and `concurrent.futures` for JavaScript, runtime-agnostic: `Thread`, `ThreadPool`,
 * the shared-memory primitives. Apps import an adapter (or the cross-runtime entry), which re-exports all of it.
 * @module @weft/core
 */
// The public API. What only adapters need lives in adapter.ts (`@weft/core/adapter`).
// Declares `Disposable`/`Symbol.dispose` for projects whose lib lacks esnext.disposable (types only).
import "./disposable.js"
export type { Capabilities, Runtime } from "./runtime.js"
export { getRuntime } from "./runtime.js"
export { threadable, type ThreadableOptions } from "./registry.js"
export {
  Thread,
  type ThreadConstructor,
  type FunctionThreadOptions,
  type MethodThreadOptions,
  type MethodName,
  type ThreadBaseOptions,
} from "./thread-constructor.js"
export { currentThread, mainThread, enumerate, activeCount, getIdent } from "./thread-registry.js"
export {
  setExcepthook,
  type ThreadOptions,
  type ThreadResult,
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
  BrokenThreadPool,
} from "./errors.js"
export { isMainThread } from "./is-main-thread.js"
export {
  Lock,
  RLock,
  Condition,
  Semaphore,
  BoundedSemaphore,
  Event,
  Barrier,
  Queue,
  type BarrierOptions,
  type QueueOptions,
  type TryGetResult,
  type Held,
  type PrimitiveWaitOptions,
} from "./sync/index.js"
export { Future, type ResultOptions, type DoneCallback } from "./pool/future.js"
export {
  ThreadPool,
  type ThreadPoolOptions,
  type RunOptions,
  type StreamRunOptions,
  type MethodStreamRunOptions,
  type TaskStream,
  type MethodRunOptions,
  type ShutdownOptions,
  type PoolStats,
} from "./pool/thread-pool.js"
export type { MapOptions } from "./pool/map.js"
export { transfer } from "./stream/transfer-marker.js"
export type { Executor, ExecutorRunOptions, ExecutorShutdownOptions } from "./executor.js"
export type { Percentiles } from "./pool/pool-stats.js"
export { asCompleted, type AsCompletedOptions, type CompletedFuture } from "./pool/as-completed.js"
export {
  wait,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  ALL_COMPLETED,
  type ReturnWhen,
  type FutureWaitOptions,
  type WaitResult,
} from "./pool/wait-futures.js"
