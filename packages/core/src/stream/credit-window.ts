// The consumer's half of a stream's backpressure. The producer (a generator in a worker) may run
// ahead by `highWaterMark` values: it starts with that many credits and spends one per value.
// The consumer gives credits back as it reads, in grants of half the window, so a consumer that
// keeps up sends one small message per half window rather than one per value, and the producer
// never waits while the consumer reads. Values received but not yet read never exceed the window.

/** How far a generator may run ahead of its consumer when no `highWaterMark` is given. */
export const DEFAULT_HIGH_WATER_MARK = 64

/** Checks a `highWaterMark` option: an integer >= 1 (undefined gives the default). */
export function highWaterMarkOf(value: unknown): number {
  if (value === undefined) return DEFAULT_HIGH_WATER_MARK
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`highWaterMark must be an integer >= 1 (values a generator may run ahead of its reader), got ${String(value)}`)
  }
  return value
}

export class CreditWindow {
  readonly highWaterMark: number
  readonly #grantSize: number
  /** Values read since the last grant. */
  #ungranted = 0

  constructor(highWaterMark: number) {
    this.highWaterMark = highWaterMark
    this.#grantSize = Math.max(1, highWaterMark >> 1)
  }

  /** The consumer read one value: the credits to send back now (0: not yet, they are pooled). */
  read(): number {
    if (++this.#ungranted < this.#grantSize) return 0
    const grant = this.#ungranted
    this.#ungranted = 0
    return grant
  }
}
