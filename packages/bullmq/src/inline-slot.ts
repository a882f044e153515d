// Which job the queue thread is running inline, in memory the server's main thread can read even
// when that thread is stuck or gone: if the thread dies mid-job, that job (and only that one) is
// failed with ThreadExitError at once, instead of stalling until its lock runs out.

const encoder = new TextEncoder()
const decoder = new TextDecoder()
/** Room for "id\ntoken"; a longer pair is not recorded (the job then stalls and is retried instead). */
const CAPACITY = 1024

export interface HeldJob {
  readonly id: string
  readonly token: string
}

export class InlineSlot {
  static create(): SharedArrayBuffer {
    return new SharedArrayBuffer(4 + CAPACITY)
  }

  readonly #length: Int32Array
  readonly #bytes: Uint8Array

  constructor(buffer: SharedArrayBuffer) {
    this.#length = new Int32Array(buffer, 0, 1)
    this.#bytes = new Uint8Array(buffer, 4, CAPACITY)
  }

  hold(id: string, token: string): void {
    const text = `${id}\n${token}`
    const { read, written } = encoder.encodeInto(text, this.#bytes)
    Atomics.store(this.#length, 0, read === text.length ? written : 0)
  }

  release(): void {
    Atomics.store(this.#length, 0, 0)
  }

  /** The job being run inline, if any. */
  held(): HeldJob | undefined {
    const length = Atomics.load(this.#length, 0)
    if (length === 0) return undefined
    const text = decoder.decode(this.#bytes.slice(0, length)) // TextDecoder does not read shared memory
    const newline = text.indexOf("\n")
    return { id: text.slice(0, newline), token: text.slice(newline + 1) }
  }
}
