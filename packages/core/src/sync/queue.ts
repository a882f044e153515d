// Queue: Python's queue.Queue between threads. Items are encoded (queue-codec.ts) into a ring
// of bytes in shared memory, each behind a 4-byte length; head, tail and counters live in a
// header guarded by the internal mutex. Getters park on PUT_SEQ, putters on GET_SEQ, join()
// on DONE_SEQ; each is bumped under the mutex, so a parked thread never misses a change.
import { QueueEmpty, QueueFull, QueueShutDown, TimeoutError } from "../errors.js"
import { containsShared, decodeLater, markSharedInUse, type SharedRecord } from "../shareable.js"
import { toShared } from "./shared-symbol.js"
import { ATTACH } from "./attach.js"
import { enterAsync, enterSync, MUTEX_WORDS, unlock } from "./mutex.js"
import { loadQueueCodec, queueCodec } from "./queue-codec.js"
import { assertCanBlock, blockWhile, canBlock, checkSignal, deadlineOf, requireSharedMemory, waitWhile, type WaitOptions, type Woken } from "./wait.js"

export const QUEUE_TAG = "weft:Queue"

const COUNT = MUTEX_WORDS
const HEAD = MUTEX_WORDS + 1
const TAIL = MUTEX_WORDS + 2
const USED = MUTEX_WORDS + 3
const CAPACITY = MUTEX_WORDS + 4
const MAXSIZE = MUTEX_WORDS + 5
const UNFINISHED = MUTEX_WORDS + 6
const SHUTDOWN = MUTEX_WORDS + 7
const PUT_SEQ = MUTEX_WORDS + 8
const GET_SEQ = MUTEX_WORDS + 9
const DONE_SEQ = MUTEX_WORDS + 10
const GETTERS = MUTEX_WORDS + 11
const PUTTERS = MUTEX_WORDS + 12
const HEADER_WORDS = MUTEX_WORDS + 14
const HEADER_BYTES = HEADER_WORDS * 4
const LENGTH_BYTES = 4
/** The smallest shared buffer a Queue can live in (for validating a record that arrives). */
export const QUEUE_MIN_BYTES = HEADER_BYTES + LENGTH_BYTES + 1

export interface QueueOptions {
  /** Most items held at once; 0 (the default) for no count limit. */
  readonly maxsize?: number
  /** Bytes of shared memory for encoded items (default 1 MiB). A put that does not fit waits like a full queue. */
  readonly bytes?: number
}

export type TryGetResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false }

type Step<R> = { readonly done: true; readonly value: R } | { readonly done: false; readonly park: number; readonly seq: number }

export class Queue<T = unknown> {
  readonly #v: Int32Array
  readonly #ring: Uint8Array

  constructor(options?: QueueOptions)
  constructor(options?: QueueOptions | typeof ATTACH, shared?: SharedArrayBuffer) {
    if (options === ATTACH && shared !== undefined) {
      this.#v = new Int32Array(shared, 0, HEADER_WORDS)
    } else {
      const { maxsize = 0, bytes = 1 << 20 } = (options ?? {}) as QueueOptions
      if (!Number.isInteger(maxsize) || maxsize < 0 || maxsize > 0x7fffffff) throw new RangeError(`Queue maxsize must be a whole number >= 0 (0 = no limit), got ${String(maxsize)}`)
      if (!Number.isInteger(bytes) || bytes < 1 || bytes > 0x7fffffff - HEADER_BYTES - LENGTH_BYTES) throw new RangeError(`Queue bytes must be a whole number >= 1, got ${String(bytes)}`)
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

  get maxsize(): number {
    return Atomics.load(this.#v, MAXSIZE)
  }

  /** The byte budget for encoded items. */
  get bytes(): number {
    return Atomics.load(this.#v, CAPACITY) - LENGTH_BYTES
  }

  size(): number {
    return Atomics.load(this.#v, COUNT)
  }
  empty(): boolean {
    return this.size() === 0
  }
  full(): boolean {
    const maxsize = this.maxsize
    return maxsize > 0 && this.size() >= maxsize
  }

  // --- put ---

  #encode(item: T): Uint8Array {
    if (containsShared(item)) {
      throw new TypeError("a Queue item cannot hold shared memory or a primitive (Lock, Queue, ...): it would arrive as a dead copy. Pass those to the thread as arguments instead")
    }
    const bytes = queueCodec().encode(item)
    if (bytes.length > this.bytes) throw new RangeError(`this Queue item encodes to ${bytes.length} bytes, more than the queue's ${this.bytes}: create the queue with a larger { bytes }`)
    return bytes
  }

  /** Inside the mutex: writes the item, or says where to park. */
  #tryPutLocked(bytes: Uint8Array): Step<true> {
    const v = this.#v
    if (Atomics.load(v, SHUTDOWN) !== 0) throw new QueueShutDown("put() on a shut-down queue")
    const maxsize = Atomics.load(v, MAXSIZE)
    const capacity = Atomics.load(v, CAPACITY)
    const need = LENGTH_BYTES + bytes.length
    if ((maxsize > 0 && Atomics.load(v, COUNT) >= maxsize) || Atomics.load(v, USED) + need > capacity) {
      Atomics.add(v, PUTTERS, 1)
      return { done: false, park: GET_SEQ, seq: Atomics.load(v, GET_SEQ) }
    }
    let tail = Atomics.load(v, TAIL)
    const n = bytes.length
    tail = this.#write(tail, Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24), capacity)
    tail = this.#write(tail, bytes, capacity)
    Atomics.store(v, TAIL, tail)
    Atomics.add(v, USED, need)
    Atomics.add(v, COUNT, 1)
    Atomics.add(v, UNFINISHED, 1)
    Atomics.add(v, PUT_SEQ, 1)
    return { done: true, value: true }
  }

  #write(at: number, bytes: Uint8Array, capacity: number): number {
    const first = Math.min(bytes.length, capacity - at)
    this.#ring.set(first === bytes.length ? bytes : bytes.subarray(0, first), at)
    if (first < bytes.length) this.#ring.set(bytes.subarray(first), 0)
    return (at + bytes.length) % capacity
  }

  #read(at: number, length: number, capacity: number): Uint8Array {
    const out = new Uint8Array(length)
    const first = Math.min(length, capacity - at)
    out.set(this.#ring.subarray(at, at + first))
    if (first < length) out.set(this.#ring.subarray(0, length - first), first)
    return out
  }

  /** Inside the mutex: takes the oldest item's bytes, or says where to park. */
  #tryGetLocked(): Step<Uint8Array> {
    const v = this.#v
    if (Atomics.load(v, COUNT) === 0) {
      if (Atomics.load(v, SHUTDOWN) !== 0) throw new QueueShutDown("get() on a shut-down, empty queue")
      Atomics.add(v, GETTERS, 1)
      return { done: false, park: PUT_SEQ, seq: Atomics.load(v, PUT_SEQ) }
    }
    const capacity = Atomics.load(v, CAPACITY)
    const head = Atomics.load(v, HEAD)
    const header = this.#read(head, LENGTH_BYTES, capacity)
    const n = (header[0] | (header[1] << 8) | (header[2] << 16) | (header[3] << 24)) >>> 0
    const bytes = this.#read((head + LENGTH_BYTES) % capacity, n, capacity)
    Atomics.store(v, HEAD, (head + LENGTH_BYTES + n) % capacity)
    Atomics.sub(v, USED, LENGTH_BYTES + n)
    Atomics.sub(v, COUNT, 1)
    Atomics.add(v, GET_SEQ, 1)
    return { done: true, value: bytes }
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
      const step = this.#stepSync(() => this.#tryPutLocked(bytes))
      if (step.done) return this.#afterPut()
      deadline ??= deadlineOf(options?.timeout)
      if (this.#parkSync(step, deadline, options?.signal) === "timed-out") {
        const last = this.#stepSync(() => this.#tryPutLocked(bytes))
        if (last.done) return this.#afterPut()
        Atomics.sub(this.#v, PUTTERS, 1)
        throw new QueueFull(`put() timed out after ${String(options?.timeout)} ms: the queue stayed full`)
      }
    }
  }

  async put(item: T, options?: WaitOptions): Promise<void> {
    if (options?.signal !== undefined) checkSignal(options.signal)
    await loadQueueCodec()
    const bytes = this.#encode(item)
    let deadline: number | undefined
    for (;;) {
      const step = await this.#step(() => this.#tryPutLocked(bytes))
      if (step.done) return this.#afterPut()
      deadline ??= deadlineOf(options?.timeout)
      if ((await this.#park(step, deadline, options?.signal)) === "timed-out") {
        const last = await this.#step(() => this.#tryPutLocked(bytes))
        if (last.done) return this.#afterPut()
        Atomics.sub(this.#v, PUTTERS, 1)
        throw new QueueFull(`put() timed out after ${String(options?.timeout)} ms: the queue stayed full`)
      }
    }
  }

  /** Puts without waiting; false when the queue is full. Throws `QueueShutDown` once shut down. */
  tryPut(item: T): boolean {
    const bytes = this.#encode(item)
    const step = this.#stepNow(() => this.#tryPutLocked(bytes))
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
      const step = this.#stepSync(() => this.#tryGetLocked())
      if (step.done) {
        this.#afterGet()
        return codec.decode(step.value) as T
      }
      deadline ??= deadlineOf(options?.timeout)
      if (this.#parkSync(step, deadline, options?.signal) === "timed-out") {
        const last = this.#stepSync(() => this.#tryGetLocked())
        if (last.done) {
          this.#afterGet()
          return codec.decode(last.value) as T
        }
        Atomics.sub(this.#v, GETTERS, 1)
        throw new QueueEmpty(`get() timed out after ${String(options?.timeout)} ms: the queue stayed empty`)
      }
    }
  }

  async get(options?: WaitOptions): Promise<T> {
    if (options?.signal !== undefined) checkSignal(options.signal)
    const codec = await loadQueueCodec()
    let deadline: number | undefined
    for (;;) {
      const step = await this.#step(() => this.#tryGetLocked())
      if (step.done) {
        this.#afterGet()
        return codec.decode(step.value) as T
      }
      deadline ??= deadlineOf(options?.timeout)
      if ((await this.#park(step, deadline, options?.signal)) === "timed-out") {
        const last = await this.#step(() => this.#tryGetLocked())
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
    const step = this.#stepNow(() => this.#tryGetLocked())
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
      else while (Atomics.compareExchange(v, 0, 0, 1) !== 0) { /* the holder is inside a few instructions */ }
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
        throw new TimeoutError(`join() timed out after ${String(options?.timeout)} ms with ${Atomics.load(this.#v, UNFINISHED)} unfinished tasks`)
      }
    }
  }

  joinSync(options?: WaitOptions): void {
    assertCanBlock("Queue.joinSync()", "await queue.join()")
    const deadline = deadlineOf(options?.timeout)
    for (;;) {
      const seq = Atomics.load(this.#v, DONE_SEQ)
      if (Atomics.load(this.#v, UNFINISHED) === 0) return
      if (blockWhile(this.#v, DONE_SEQ, seq, deadline, options?.signal) === "timed-out" && Atomics.load(this.#v, UNFINISHED) !== 0) {
        throw new TimeoutError(`joinSync() timed out after ${String(options?.timeout)} ms with ${Atomics.load(this.#v, UNFINISHED)} unfinished tasks`)
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

  [toShared](): SharedRecord {
    return { tag: QUEUE_TAG, data: this.#v.buffer }
  }

  /** Rebuilds a handle from its record; the codec is loaded before the receiving job runs. */
  static [ATTACH](memory: SharedArrayBuffer): Queue {
    decodeLater(loadQueueCodec())
    return new (Queue as unknown as new (token: typeof ATTACH, memory: SharedArrayBuffer) => Queue)(ATTACH, memory)
  }
}
