// The shared memory of a Queue: a header of words guarded by the internal mutex (counts, ring
// offsets, wake-up sequences) and a ring of bytes holding each encoded item behind a 4-byte
// length. Only the functions here read or write the ring, always inside the mutex.
import { QueueShutDown } from "../errors.js"
import { MUTEX_WORDS } from "./mutex.js"

export const COUNT = MUTEX_WORDS
export const HEAD = MUTEX_WORDS + 1
export const TAIL = MUTEX_WORDS + 2
export const USED = MUTEX_WORDS + 3
export const CAPACITY = MUTEX_WORDS + 4
export const MAXSIZE = MUTEX_WORDS + 5
export const UNFINISHED = MUTEX_WORDS + 6
export const SHUTDOWN = MUTEX_WORDS + 7
export const PUT_SEQ = MUTEX_WORDS + 8
export const GET_SEQ = MUTEX_WORDS + 9
export const DONE_SEQ = MUTEX_WORDS + 10
export const GETTERS = MUTEX_WORDS + 11
export const PUTTERS = MUTEX_WORDS + 12
export const HEADER_WORDS = MUTEX_WORDS + 14
export const HEADER_BYTES = HEADER_WORDS * 4
export const LENGTH_BYTES = 4
/** The smallest shared buffer a Queue can live in (for validating a record that arrives). */
export const QUEUE_MIN_BYTES = HEADER_BYTES + LENGTH_BYTES + 1

/** An attempt inside the mutex: done, or where to park and the sequence value seen. */
export type Step<R> = { readonly done: true; readonly value: R } | { readonly done: false; readonly park: number; readonly seq: number }

/** Inside the mutex: writes the item, or says where to park. */
export function tryPutLocked(v: Int32Array, ring: Uint8Array, bytes: Uint8Array): Step<true> {
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
  tail = write(ring, tail, Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24), capacity)
  tail = write(ring, tail, bytes, capacity)
  Atomics.store(v, TAIL, tail)
  Atomics.add(v, USED, need)
  Atomics.add(v, COUNT, 1)
  Atomics.add(v, UNFINISHED, 1)
  Atomics.add(v, PUT_SEQ, 1)
  return { done: true, value: true }
}

function write(ring: Uint8Array, at: number, bytes: Uint8Array, capacity: number): number {
  const first = Math.min(bytes.length, capacity - at)
  ring.set(first === bytes.length ? bytes : bytes.subarray(0, first), at)
  if (first < bytes.length) ring.set(bytes.subarray(first), 0)
  return (at + bytes.length) % capacity
}

function read(ring: Uint8Array, at: number, length: number, capacity: number): Uint8Array {
  const out = new Uint8Array(length)
  const first = Math.min(length, capacity - at)
  out.set(ring.subarray(at, at + first))
  if (first < length) out.set(ring.subarray(0, length - first), first)
  return out
}

/** Inside the mutex: takes the oldest item's bytes, or says where to park. */
export function tryGetLocked(v: Int32Array, ring: Uint8Array): Step<Uint8Array> {
  if (Atomics.load(v, COUNT) === 0) {
    if (Atomics.load(v, SHUTDOWN) !== 0) throw new QueueShutDown("get() on a shut-down, empty queue")
    Atomics.add(v, GETTERS, 1)
    return { done: false, park: PUT_SEQ, seq: Atomics.load(v, PUT_SEQ) }
  }
  const capacity = Atomics.load(v, CAPACITY)
  const head = Atomics.load(v, HEAD)
  const header = read(ring, head, LENGTH_BYTES, capacity)
  const n = (header[0] | (header[1] << 8) | (header[2] << 16) | (header[3] << 24)) >>> 0
  const bytes = read(ring, (head + LENGTH_BYTES) % capacity, n, capacity)
  Atomics.store(v, HEAD, (head + LENGTH_BYTES + n) % capacity)
  Atomics.sub(v, USED, LENGTH_BYTES + n)
  Atomics.sub(v, COUNT, 1)
  Atomics.add(v, GET_SEQ, 1)
  return { done: true, value: bytes }
}
