// Task modules hold tasks, not start-up code: this file is imported again in every worker
// that runs one of its targets.
import { currentThread, Thread, threadable } from "@weft/node"

/** Functional style: a registered function. */
export const fib = threadable(import.meta.url, function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2)
})

/** Instance style: a plain class whose method runs in a thread; its fields come back. */
export class Tally {
  constructor(label) {
    this.label = label
    this.total = 0
  }
  sumTo(n) {
    for (let i = 1; i <= n; i++) this.total += i
    return this.total
  }
}
threadable(import.meta.url, Tally)

/** Subclass style: override run(), as with Python's threading.Thread. */
export class PrimeCounter extends Thread {
  constructor(limit) {
    super({ name: `primes<${limit}` })
    this.limit = limit
    this.found = 0
  }
  run() {
    const sieve = new Uint8Array(this.limit)
    for (let i = 2; i < this.limit; i++) {
      if (sieve[i]) continue
      this.found++
      for (let j = i * i; j < this.limit; j += i) sieve[j] = 1
    }
    return `${currentThread().name} (ident ${currentThread().ident}) found ${this.found}`
  }
}
threadable(import.meta.url, PrimeCounter)
