// The web-standard globals core relies on. Every target runtime (Node >= 20, Deno, browsers,
// Bun) provides them; core declares them here instead of pulling in DOM or Node types, so a
// platform-specific API used by mistake is a compile error.

type TimerHandle = { ref?(): unknown; unref?(): unknown } | number
declare function setTimeout(callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): TimerHandle
declare function clearTimeout(handle: TimerHandle | undefined): void
declare function setInterval(callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): TimerHandle
declare function clearInterval(handle: TimerHandle | undefined): void
declare function queueMicrotask(callback: () => void): void
declare function structuredClone<T>(value: T, options?: { transfer?: unknown[] }): T

type EventListenerLike = (event: { type: string }) => void

interface AbortSignal {
  readonly aborted: boolean
  readonly reason: unknown
  throwIfAborted(): void
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void
  removeEventListener(type: "abort", listener: () => void): void
  onabort: ((this: AbortSignal) => void) | null
}
declare var AbortSignal: {
  prototype: AbortSignal
  abort(reason?: unknown): AbortSignal
  timeout(ms: number): AbortSignal
  any?(signals: AbortSignal[]): AbortSignal
}
interface AbortController {
  readonly signal: AbortSignal
  abort(reason?: unknown): void
}
declare var AbortController: { prototype: AbortController; new (): AbortController }

interface DOMException extends Error {
  readonly code: number
}
declare var DOMException: {
  prototype: DOMException
  new (message?: string, nameOrOptions?: string | { name?: string; cause?: unknown }): DOMException
}

interface Console {
  log(...data: unknown[]): void
  error(...data: unknown[]): void
  warn(...data: unknown[]): void
}
declare var console: Console

interface Performance {
  now(): number
}
declare var performance: Performance

interface TextEncoder {
  encode(input?: string): Uint8Array
  encodeInto(input: string, dest: Uint8Array): { read: number; written: number }
}
declare var TextEncoder: { prototype: TextEncoder; new (): TextEncoder }
interface TextDecoder {
  decode(input?: ArrayBufferView | ArrayBufferLike): string
}
declare var TextDecoder: { prototype: TextDecoder; new (label?: string): TextDecoder }

// ES2024's Atomics.waitAsync: present on Node >= 16, Deno and Chromium; checked before use.
interface Atomics {
  waitAsync?(
    typedArray: Int32Array | BigInt64Array,
    index: number,
    value: number | bigint,
    timeout?: number,
  ): { async: false; value: "not-equal" | "timed-out" } | { async: true; value: Promise<"ok" | "timed-out"> }
}

/** Every target runtime gives an ES module its own URL. */
interface ImportMeta {
  readonly url: string
}
