// Threads should beat serial on an idle machine with two or more CPUs; when not one threaded run
// did, the likeliest cause is other processes using the CPUs, and the demo says so.

/** True when every threaded speedup (serial time / threaded time) is below 1 on a multi-CPU machine. */
export function looksBusy(speedups: readonly number[], cpus: number): boolean {
  return speedups.length > 0 && cpus >= 2 && speedups.every((speedup) => speedup < 1)
}
