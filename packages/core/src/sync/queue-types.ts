/** Options of `new Queue(options)`. */
export interface QueueOptions {
  /** Most items held at once; 0 (the default) for no count limit. */
  readonly maxsize?: number
  /** Bytes of shared memory for encoded items (default 1 MiB). A put that does not fit waits like a full queue. */
  readonly bytes?: number
}

/** What `Queue.tryGet()` returns: the item, or `ok: false` when the queue is empty. */
export type TryGetResult<T> =
  | {
      /** An item was taken. */
      readonly ok: true
      /** The item. */
      readonly value: T
    }
  | {
      /** The queue was empty. */
      readonly ok: false
    }
