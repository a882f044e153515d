// A start gate, so a measurement starts once every worker is up: gate[0] counts arrivals,
// gate[1] turns 1 when the caller opens it.

export function makeGate() {
  return new Int32Array(new SharedArrayBuffer(8))
}

/** In a worker: reports arrival, then blocks until the gate opens. */
export function arriveAndWait(gate) {
  Atomics.add(gate, 0, 1)
  Atomics.notify(gate, 0)
  while (Atomics.load(gate, 1) === 0) Atomics.wait(gate, 1, 0)
}

/** On the caller's side: resolves once `parties` workers wait at the gate, without blocking. */
export async function arrivals(gate, parties) {
  for (let seen = Atomics.load(gate, 0); seen < parties; seen = Atomics.load(gate, 0)) {
    const wait = Atomics.waitAsync(gate, 0, seen)
    if (wait.async) await wait.value
  }
}

export function open(gate) {
  Atomics.store(gate, 1, 1)
  Atomics.notify(gate, 1)
}
