// Hand-shakes between a test and its threads through shared memory, never sleeps.

/** A fresh shared Int32Array of `length` words, all zero. */
export function sharedFlags(length = 1): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * length))
}

type WaitAsync = (array: Int32Array, index: number, value: number, timeout?: number) => { async: boolean; value: unknown }

/** Resolves once `flags[index]` equals `value`, without blocking the event loop. */
export async function waitForValue(flags: Int32Array, index: number, value: number): Promise<void> {
  for (;;) {
    const seen = Atomics.load(flags, index)
    if (seen === value) return
    const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync
    if (typeof waitAsync === "function") {
      // The value may change between the load and the wait: "not-equal" is as good as "ok".
      const result = waitAsync(flags, index, seen, 1000)
      if (result.async) await (result.value as Promise<unknown>)
    } else {
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
  }
}

/** Sets `flags[index]` to `value` and wakes every waiter. */
export function signal(flags: Int32Array, index: number, value: number): void {
  Atomics.store(flags, index, value)
  Atomics.notify(flags, index)
}
