// Queue: Python's queue.Queue between threads. Items are encoded (queue-codec.ts) into a ring
// of bytes in shared memory, each behind a 4-byte length; head, tail and counters live in a
// header guarded by the internal mutex. Getters park on PUT_SEQ, putters on GET_SEQ, join()
// on DONE_SEQ; each is bumped under the mutex, so a parked thread never misses a change.
import { QueueEmpty, QueueFull, QueueShutDown, TimeoutError } from "../errors.js"
import { decodeLater, markSharedInUse, type SharedRecord, toShared } from "../shared-record.js"
import { checkQueueItem } from "./queue-item.js"
import { ATTACH } from "./attach.js"
import { enterAsync, enterSync, unlock } from "./mutex.js"
import { loadQueueCodec, queueCodec } from "./queue-codec.js"
import {
  CAPACITY,
  COUNT,
  DONE_SEQ,
  GET_SEQ,
  GETTERS,
  HEAD,
  HEADER_BYTES,
  HEADER_WORDS,
  LENGTH_BYTES,
  MAXSIZE,
  PUT_SEQ,
  PUTTERS,
  SHUTDOWN,
  TAIL,
  tryGetLocked,
  tryPutLocked,
  UNFINISHED,
  USED,
  type Step,
} from "./queue-buffer.js"
import {
  assertCanBlock,
  blockWhile,
  canBlock,
  checkSignal,
  deadlineOf,
  requireSharedMemory,
  waitWhile,
  type WaitOptions,
  type Woken,
} from "./parking.js"

import type { QueueOptions, TryGetResult } from "./queue-types.js"

export type { QueueOptions, TryGetResult } from "./queue-types.js"

export const QUEUE_TAG = "weft:Queue"

/** A FIFO queue shared across threads (Python's `queue.Queue`); items are copied in and out. */
export class Queue<T = unknown> {
  readonly #v: Int32Array
  readonly #ring: Uint8Array

  constructor(options?: QueueOptions)
  constructor(options?: QueueOptions | typeof ATTACH, shared?: SharedArrayBuffer) {
    if (options === ATTACH && shared !== undefined) {
      this.#v = new Int32Array(shared, 0, HEADER_WORDS)
    } else {
      const { maxsize = 0, bytes = 1 << 20 } = (options ?? {}) as QueueOptions
      if (!Number.isInteger(maxsize) || maxsize < 0 || maxsize > 0x7fffffff)
        throw new RangeError(`Queue maxsize must be a whole number >= 0 (0 = no limit), got ${String(maxsize)}`)
      if (!Number.isInteger(bytes) || bytes < 1 || bytes > 0x7fffffff - HEADER_BYTES - LENGTH_BYTES)
        throw new RangeError(`Queue bytes must be a whole number >= 1, got ${String(bytes)}`)
      requireSharedMemory("Queue")
      const memory = new SharedArrayBuffer(HEADER_BYTES + bytes + LENGTH_BYTES)
      this.#v = new Int32Array(memory, 0, HEADER_WORDS)
      Atomics.store(this.#v, CAPACITY, bytes + LENGTH_BYTES)
      Atomics.store(this.#v, MAXSIZE, maxsize)
      void loadQueueCodec().catch(() => {})
    }
    this.#ring = new Uint8Array(this.#v.buffer, HEADER_BYTES)
    markSharedInUse()
  }

  /** Resolves once this thread can use the synchronous methods (the codec is loaded). */
  static ready(): Promise<void> {
    return loadQueueCodec().then(() => undefined)
  }

  /** The most items it holds (0: unbounded). */
  get maxsize(): number {
    return Atomics.load(this.#v, MAXSIZE)
  }

  /** The byte budget for encoded items. */
  get bytes(): number {
    return Atomics.load(this.#v, CAPACITY) - LENGTH_BYTES
  }

  /** How many items it holds now. */
  size(): number {
    return Atomics.load(this.#v, COUNT)
  }
  /** Whether it holds no items now. */
  empty(): boolean {
    return this.size() === 0
  }
  /** Whether a bounded queue is at `maxsize` now. */
  full(): boolean {
    const maxsize = this.maxsize
    return maxsize > 0 && this.size() >= maxsize
  }

  // --- put ---

  #encode(item: T): Uint8Array {
    checkQueueItem(item)
    const bytes = queueCodec().encode(item)
    if (bytes.length > this.bytes)
      throw new RangeError(
        `this Queue item encodes to ${bytes.length} bytes, more than the queue's ${this.bytes}: create the queue with a larger { bytes }`,
      )
    return bytes
  }

  /** After the mutex is released: wake the other side. */
  #afterPut(): void {
    if (Atomics.load(this.#v, GETTERS) > 0) Atomics.notify(this.#v, PUT_SEQ, 1)
  }
  #afterGet(): void {
    // A putter may need several gets' worth of room, and they wait for different sizes: wake them all.
    if (Atomics.load(this.#v, PUTTERS) > 0) Atomics.notify(this.#v, GET_SEQ)
  }

  #stepSync<R>(attempt: () => Step<R>): Step<R> {
    enterSync(this.#v, 0)
    try {
      return attempt()
    } finally {
      unlock(this.#v, 0)
    }
  }

  async #step<R>(attempt: () => Step<R>): Promise<Step<R>> {
    await enterAsync(this.#v, 0)
    try {
      return attempt()
    } finally {
      unlock(this.#v, 0)
    }
  }

  /** Parks after a failed step; always un-counts itself, and passes a wake-up on if it leaves by abort. */
  #parkSync(step: { park: number; seq: number }, deadline: number, signal: AbortSignal | undefined): Woken {
    const counter = step.park === PUT_SEQ ? GETTERS : PUTTERS
    try {
      return blockWhile(this.#v, step.park, step.seq, deadline, signal)
    } catch (error) {
      Atomics.notify(this.#v, step.park, 1)
      throw error
    } finally {
      Atomics.sub(this.#v, counter, 1)
    }
  }

  async #park(step: { park: number; seq: number }, deadline: number, signal: AbortSignal | undefined): Promise<Woken> {
    const counter = step.park === PUT_SEQ ? GETTERS : PUTTERS
    try {
      return await waitWhile(this.#v, step.park, step.seq, deadline, signal)
    } catch (error) {
      Atomics.notify(this.#v, step.park, 1)
      throw error
    } finally {
      Atomics.sub(this.#v, counter, 1)
    }
  }

  /** Blocks while the queue is full (or out of bytes); throws `QueueFull` on timeout, `QueueShutDown` once shut down. */
  putSync(item: T, options?: WaitOptions): void {
    assertCanBlock("Queue.putSync()", "await queue.put()")
    if (options?.signal !== undefined) checkSignal(options.signal)
    const bytes = this.#encode(item)
    let deadline: number | undefined
    for (;;) {
      const step = this.#stepSync(() => tryPutLocked(this.#v, this.#ring, bytes))
      if (step.done) return this.#afterPut()
      deadline ??= deadlineOf(options?.timeout)
      if (this.#parkSync(step, deadline, options?.signal) === "timed-out") {
        const last = this.#stepSync(() => tryPutLocked(this.#v, this.#ring, bytes))
        if (last.done) return this.#afterPut()
        Atomics.sub(this.#v, PUTTERS, 1)
        throw new QueueFull(`put() timed out after ${String(options?.timeout)} ms: the queue stayed full`)
      }
    }
  }

  /** Adds an item, waiting while a bounded queue is full; `QueueFull` on timeout. */
  async put(item: T, options?: WaitOptions): Promise<void> {
    if (options?.signal !== undefined) checkSignal(options.signal)
    await loadQueueCodec()
    const bytes = this.#encode(item)
    let deadline: number | undefined
    for (;;) {
      const step = await this.#step(() => tryPutLocked(this.#v, this.#ring, bytes))
      if (step.done) return this.#afterPut()
      deadline ??= deadlineOf(options?.timeout)
      if ((await this.#park(step, deadline, options?.signal)) === "timed-out") {
        const last = await this.#step(() => tryPutLocked(this.#v, this.#ring, bytes))
        if (last.done) return this.#afterPut()
        Atomics.sub(this.#v, PUTTERS, 1)
        throw new QueueFull(`put() timed out after ${String(options?.timeout)} ms: the queue stayed full`)
      }
    }
  }

  /** Puts without waiting; false when the queue is full. Throws `QueueShutDown` once shut down. */
  tryPut(item: T): boolean {
    const bytes = this.#encode(item)
    const step = this.#stepNow(() => tryPutLocked(this.#v, this.#ring, bytes))
    if (step.done) {
      this.#afterPut()
      return true
    }
    Atomics.sub(this.#v, PUTTERS, 1)
    return false
  }

  // --- get ---

  /** Blocks until an item is there; throws `QueueEmpty` on timeout, `QueueShutDown` once shut down and empty. */
  getSync(options?: WaitOptions): T {
    assertCanBlock("Queue.getSync()", "await queue.get()")
    if (options?.signal !== undefined) checkSignal(options.signal)
    const codec = queueCodec()
    let deadline: number | undefined
    for (;;) {
      const step = this.#stepSync(() => tryGetLocked(this.#v, this.#ring))
      if (step.done) {
        this.#afterGet()
        return codec.decode(step.value) as T
      }
      deadline ??= deadlineOf(options?.timeout)
      if (this.#parkSync(step, deadline, options?.signal) === "timed-out") {
        const last = this.#stepSync(() => tryGetLocked(this.#v, this.#ring))
        if (last.done) {
          this.#afterGet()
          return codec.decode(last.value) as T
        }
        Atomics.sub(this.#v, GETTERS, 1)
        throw new QueueEmpty(`get() timed out after ${String(options?.timeout)} ms: the queue stayed empty`)
      }
    }
  }

  /** Removes and returns the oldest item, waiting while empty; `QueueEmpty` on timeout. */
  async get(options?: WaitOptions): Promise<T> {
    if (options?.signal !== undefined) checkSignal(options.signal)
    const codec = await loadQueueCodec()
    let deadline: number | undefined
    for (;;) {
      const step = await this.#step(() => tryGetLocked(this.#v, this.#ring))
      if (step.done) {
        this.#afterGet()
        return codec.decode(step.value) as T
      }
      deadline ??= deadlineOf(options?.timeout)
      if ((await this.#park(step, deadline, options?.signal)) === "timed-out") {
        const last = await this.#step(() => tryGetLocked(this.#v, this.#ring))
        if (last.done) {
          this.#afterGet()
          return codec.decode(last.value) as T
        }
        Atomics.sub(this.#v, GETTERS, 1)
        throw new QueueEmpty(`get() timed out after ${String(options?.timeout)} ms: the queue stayed empty`)
      }
    }
  }

  /** Takes an item without waiting: `{ ok: true, value }`, or `{ ok: false }` when empty. Throws `QueueShutDown` once shut down and empty. */
  tryGet(): TryGetResult<T> {
    const codec = queueCodec()
    const step = this.#stepNow(() => tryGetLocked(this.#v, this.#ring))
    if (step.done) {
      this.#afterGet()
      return { ok: true, value: codec.decode(step.value) as T }
    }
    Atomics.sub(this.#v, GETTERS, 1)
    return { ok: false }
  }

  /** The non-waiting faces run on any thread: where parking is forbidden, spin on the (short) internal mutex. */
  #stepNow<R>(attempt: () => Step<R>): Step<R> {
    const v = this.#v
    if (Atomics.compareExchange(v, 0, 0, 1) !== 0) {
      if (canBlock()) enterSync(v, 0)
      else
        while (Atomics.compareExchange(v, 0, 0, 1) !== 0) {
          /* the holder is inside a few instructions */
        }
    }
    try {
      return attempt()
    } finally {
      unlock(v, 0)
    }
  }

  // --- tasks ---

  /** Marks one fetched item as processed. More calls than items put throw `RangeError`. */
  taskDone(): void {
    this.#critical(() => {
      const v = this.#v
      const left = Atomics.load(v, UNFINISHED)
      if (left <= 0) throw new RangeError("taskDone() called too many times")
      Atomics.store(v, UNFINISHED, left - 1)
      if (left === 1) {
        Atomics.add(v, DONE_SEQ, 1)
        Atomics.notify(v, DONE_SEQ)
      }
    })
  }

  /** Resolves once every item put has been marked with `taskDone()`. */
  async join(options?: WaitOptions): Promise<void> {
    const deadline = deadlineOf(options?.timeout)
    for (;;) {
      const seq = Atomics.load(this.#v, DONE_SEQ)
      if (Atomics.load(this.#v, UNFINISHED) === 0) return
      if ((await waitWhile(this.#v, DONE_SEQ, seq, deadline, options?.signal)) === "timed-out" && Atomics.load(this.#v, UNFINISHED) !== 0) {
        throw new TimeoutError(
          `join() timed out after ${String(options?.timeout)} ms with ${Atomics.load(this.#v, UNFINISHED)} unfinished tasks`,
        )
      }
    }
  }

  /** Blocking `join()`; not on a browser's main thread. */
  joinSync(options?: WaitOptions): void {
    assertCanBlock("Queue.joinSync()", "await queue.join()")
    const deadline = deadlineOf(options?.timeout)
    for (;;) {
      const seq = Atomics.load(this.#v, DONE_SEQ)
      if (Atomics.load(this.#v, UNFINISHED) === 0) return
      if (blockWhile(this.#v, DONE_SEQ, seq, deadline, options?.signal) === "timed-out" && Atomics.load(this.#v, UNFINISHED) !== 0) {
        throw new TimeoutError(
          `joinSync() timed out after ${String(options?.timeout)} ms with ${Atomics.load(this.#v, UNFINISHED)} unfinished tasks`,
        )
      }
    }
  }

  /**
   * Python 3.13's shutdown: puts throw `QueueShutDown` from now on; gets drain what is left, then
   * throw it. With `immediate`, the items left are dropped (and counted as done) and gets throw at once.
   */
  shutdown(options: { readonly immediate?: boolean } = {}): void {
    this.#critical(() => {
      const v = this.#v
      Atomics.store(v, SHUTDOWN, 1)
      if (options.immediate) {
        const dropped = Atomics.exchange(v, COUNT, 0)
        Atomics.store(v, HEAD, 0)
        Atomics.store(v, TAIL, 0)
        Atomics.store(v, USED, 0)
        Atomics.store(v, UNFINISHED, Math.max(0, Atomics.load(v, UNFINISHED) - dropped))
        Atomics.add(v, DONE_SEQ, 1)
      }
      Atomics.add(v, PUT_SEQ, 1)
      Atomics.add(v, GET_SEQ, 1)
    })
    Atomics.notify(this.#v, PUT_SEQ)
    Atomics.notify(this.#v, GET_SEQ)
    Atomics.notify(this.#v, DONE_SEQ)
  }

  #critical(body: () => void): void {
    this.#stepNow(() => {
      body()
      return { done: true, value: undefined }
    })
  }

  /** `for await (const item of queue)`: yields items until the queue is shut down and drained. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      let item: T
      try {
        item = await this.get()
      } catch (error) {
        if (error instanceof QueueShutDown) return
        throw error
      }
      yield item
    }
  }

  /** Describes the queue for sending to another thread, which then shares it. */
  [toShared](): SharedRecord {
    return { tag: QUEUE_TAG, data: this.#v.buffer }
  }

  /** Rebuilds a handle from its record; the codec is loaded before the receiving job runs. */
  static [ATTACH](memory: SharedArrayBuffer): Queue {
    decodeLater(loadQueueCodec())
    return new (Queue as unknown as new (token: typeof ATTACH, memory: SharedArrayBuffer) => Queue)(ATTACH, memory)
  }
}
