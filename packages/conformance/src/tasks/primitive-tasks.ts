// Targets for the primitive and Queue cases. Imported again inside every worker that runs one.
// Blocking faces (`*Sync`) are exercised here, inside threads, where every runtime may block.
import {
  type Barrier,
  type BoundedSemaphore,
  type Condition,
  currentThread,
  Event,
  getIdent,
  Lock,
  Queue,
  RLock,
  type Semaphore,
  Thread,
  threadable,
} from "@weft/core"

function raise(flags: Int32Array, index: number, value = 1): void {
  Atomics.store(flags, index, value)
  Atomics.notify(flags, index)
}

function awaitFlag(flags: Int32Array, index: number, value: number): void {
  while (Atomics.load(flags, index) !== value) Atomics.wait(flags, index, Atomics.load(flags, index), 50)
}

/** A non-atomic read-modify-write (load, then store) under the lock, `times` times. */
export const incrementUnderLock = threadable(
  import.meta.url,
  function incrementUnderLock(lock: Lock, counter: Int32Array, times: number): number {
    for (let i = 0; i < times; i++) {
      lock.acquireSync()
      const value = Atomics.load(counter, 0)
      Atomics.store(counter, 0, value + 1)
      lock.release()
    }
    return times
  },
)

/** The same with `hold()`/`using`-style disposal through the async face. */
export const incrementWithHold = threadable(
  import.meta.url,
  async function incrementWithHold(lock: Lock | RLock, counter: Int32Array, times: number): Promise<number> {
    for (let i = 0; i < times; i++) {
      const held = i % 2 === 0 ? await lock.hold() : lock.holdSync()
      try {
        const value = Atomics.load(counter, 0)
        Atomics.store(counter, 0, value + 1)
      } finally {
        held[Symbol.dispose]()
      }
    }
    return times
  },
)

export const releaseLock = threadable(import.meta.url, function releaseLock(lock: Lock | RLock): string {
  try {
    lock.release()
    return "released"
  } catch (error) {
    return (error as Error).name
  }
})

export const tryAcquireIn = threadable(import.meta.url, function tryAcquireIn(lock: Lock | RLock): boolean {
  return lock.tryAcquire()
})

/** acquireSync with a timeout on a lock someone else holds: the result and whether the wait really waited. */
export const acquireWithTimeout = threadable(import.meta.url, function acquireWithTimeout(lock: Lock | RLock, timeout: number): {
  got: boolean
  waited: boolean
} {
  const t0 = performance.now()
  const got = lock.acquireSync({ timeout })
  return { got, waited: performance.now() - t0 >= timeout * 0.5 }
})

/** Acquires, signals `flags[0] = 1`, waits for `flags[1] = 1`, releases. */
export const holdUntilTold = threadable(import.meta.url, function holdUntilTold(lock: Lock | RLock, flags: Int32Array): string {
  lock.acquireSync()
  raise(flags, 0)
  awaitFlag(flags, 1, 1)
  lock.release()
  return "done"
})

/** Takes the lock, signals `flags[0] = 1`, then dies holding it: by exit code, or spinning until terminate(). */
export const dieHolding = threadable(
  import.meta.url,
  function dieHolding(lock: Lock | RLock, flags: Int32Array, how: "exit" | "spin"): void {
    lock.acquireSync()
    if (lock instanceof RLock) lock.acquireSync()
    raise(flags, 0)
    if (how === "spin") for (;;) Atomics.add(flags, 2, 1)
    const g = globalThis as { process?: { exit(code: number): never }; Deno?: { exit(code: number): never }; close?: () => void }
    if (g.Deno) g.Deno.exit(7)
    else if (g.process) g.process.exit(7)
    else g.close?.()
  },
)

/** Takes the lock (an RLock twice) and ends with it held: by returning, or by throwing. */
export const endHolding = threadable(import.meta.url, function endHolding(lock: Lock | RLock, how: "return" | "throw"): string {
  lock.acquireSync()
  if (lock instanceof RLock) lock.acquireSync()
  if (how === "throw") throw new Error("failed while holding the lock")
  return "returned holding it"
})

/** The next acquirer of an abandoned lock, from a thread. */
export const acquireAbandoned = threadable(import.meta.url, function acquireAbandoned(lock: Lock | RLock): {
  got: boolean
  abandoned: boolean
  heldAbandoned: boolean
  after: boolean
} {
  const got = lock.acquireSync({ timeout: 20_000 })
  const abandoned = lock.abandoned
  lock.release()
  const held = lock.holdSync()
  const heldAbandoned = held.abandoned
  held[Symbol.dispose]()
  return { got, abandoned, heldAbandoned, after: lock.locked() }
})

/** Reentrancy inside one thread: acquires three times, reports ownership from a second handle. */
export const rlockReentry = threadable(import.meta.url, function rlockReentry(rlock: RLock, again: RLock): {
  levels: number
  stillLocked: boolean[]
} {
  rlock.acquireSync()
  again.acquireSync()
  rlock.tryAcquire()
  const stillLocked: boolean[] = []
  for (let i = 0; i < 3; i++) {
    again.release()
    stillLocked.push(rlock.locked())
  }
  return { levels: 3, stillLocked }
})

/** Waits on the condition (blocking face); counts the wake-up in `flags[1]`. `flags[0]` counts waiters parked. */
export const conditionWaiter = threadable(
  import.meta.url,
  function conditionWaiter(cond: Condition, flags: Int32Array, timeout?: number): boolean {
    cond.acquireSync()
    Atomics.add(flags, 0, 1)
    Atomics.notify(flags, 0)
    const notified = cond.waitSync({ timeout })
    if (notified) Atomics.add(flags, 1, 1)
    Atomics.notify(flags, 1)
    cond.release()
    return notified
  },
)

/** waitForSync(predicate) on `flags[2] >= 3`, returning the predicate's value. */
export const conditionWaitFor = threadable(import.meta.url, function conditionWaitFor(cond: Condition, flags: Int32Array): number | false {
  const held = cond.holdSync()
  try {
    Atomics.add(flags, 0, 1)
    Atomics.notify(flags, 0)
    return cond.waitForSync(() => (Atomics.load(flags, 2) >= 3 ? Atomics.load(flags, 2) : false), { timeout: 20_000 })
  } finally {
    held[Symbol.dispose]()
  }
})

/** Event.waitSync from a thread; `flags[0]` counts parked waiters, `flags[1]` the returns. */
export const eventWaiter = threadable(import.meta.url, function eventWaiter(event: Event, flags: Int32Array, timeout?: number): boolean {
  Atomics.add(flags, 0, 1)
  Atomics.notify(flags, 0)
  const result = event.waitSync({ timeout })
  Atomics.add(flags, 1, 1)
  Atomics.notify(flags, 1)
  return result
})

/** Blocks on an event with the thread's own signal: cancel() must reach it while it waits. */
export const waitWithOwnSignal = threadable(import.meta.url, function waitWithOwnSignal(event: Event, flags: Int32Array): string {
  raise(flags, 0)
  try {
    event.waitSync({ signal: currentThread().signal })
    return "woken"
  } catch (error) {
    return (error as Error).name
  }
})

export const barrierWaiter = threadable(import.meta.url, function barrierWaiter(barrier: Barrier, timeout?: number): number | string {
  try {
    return barrier.waitSync({ timeout })
  } catch (error) {
    return (error as Error).name
  }
})

/** Counts barrier actions in `flags[0]`; the last arrival runs it. */
export const countAction = threadable(import.meta.url, function countAction(): void {
  const flags = (globalThis as { __weftBarrierFlags?: Int32Array }).__weftBarrierFlags
  if (flags) Atomics.add(flags, 0, 1)
})

/** Runs `rounds` barrier cycles; the action (registered) bumps a counter in flags it finds in `shared`. */
export const barrierRounds = threadable(
  import.meta.url,
  function barrierRounds(barrier: Barrier, flags: Int32Array, rounds: number): number[] {
    ;(globalThis as { __weftBarrierFlags?: Int32Array }).__weftBarrierFlags = flags
    const indices: number[] = []
    for (let i = 0; i < rounds; i++) indices.push(barrier.waitSync({ timeout: 20_000 }))
    return indices
  },
)

/** Enters the semaphore `rounds` times; `flags[0]` is the number inside, `flags[1]` the most ever seen inside. */
export const semaphoreWorker = threadable(
  import.meta.url,
  function semaphoreWorker(sem: Semaphore, flags: Int32Array, rounds: number): number {
    for (let i = 0; i < rounds; i++) {
      sem.acquireSync()
      const inside = Atomics.add(flags, 0, 1) + 1
      for (let seen = Atomics.load(flags, 1); inside > seen; seen = Atomics.load(flags, 1)) {
        if (Atomics.compareExchange(flags, 1, seen, inside) === seen) break
      }
      for (let spin = 0; spin < 200; spin++) Atomics.load(flags, 0)
      Atomics.sub(flags, 0, 1)
      sem.release()
    }
    return rounds
  },
)

export const semaphoreAcquire = threadable(
  import.meta.url,
  function semaphoreAcquire(sem: Semaphore | BoundedSemaphore, flags: Int32Array): boolean {
    raise(flags, 0)
    const got = sem.acquireSync({ timeout: 20_000 })
    raise(flags, 1)
    return got
  },
)

export interface QueueItem {
  readonly producer: number
  readonly seq: number
  readonly payload: string
  readonly tags: Set<string>
}

/** Puts `count` items tagged with the producer id, with the blocking face. */
export const produce = threadable(import.meta.url, function produce(queue: Queue<QueueItem>, producer: number, count: number): number {
  for (let seq = 0; seq < count; seq++) {
    queue.putSync({ producer, seq, payload: "x".repeat(seq % 97), tags: new Set([`p${producer}`]) })
  }
  return count
})

/** Gets items until the queue is shut down and drained; returns `producer:seq` keys and whether every payload was intact. */
export const consume = threadable(import.meta.url, function consume(queue: Queue<QueueItem>): { keys: string[]; intact: boolean } {
  const keys: string[] = []
  let intact = true
  for (;;) {
    let item: QueueItem
    try {
      item = queue.getSync()
    } catch (error) {
      if ((error as Error).name === "QueueShutDown") break
      throw error
    }
    keys.push(`${item.producer}:${item.seq}`)
    intact &&= item.payload === "x".repeat(item.seq % 97) && item.tags.has(`p${item.producer}`)
    queue.taskDone()
  }
  return { keys, intact }
})

/** The async face in a thread: `for await` until shutdown. */
export const consumeAsync = threadable(import.meta.url, async function consumeAsync(queue: Queue<number>): Promise<number[]> {
  const items: number[] = []
  for await (const item of queue) {
    items.push(item)
    queue.taskDone()
  }
  return items
})

/** Puts an item at once (the codec must be ready before the job starts). */
export const putNow = threadable(import.meta.url, function putNow(queue: Queue<unknown>, item: unknown): boolean {
  return queue.tryPut(item)
})

/** Builds primitives inside a thread and returns them: they come back as live handles. */
export const makePrimitives = threadable(import.meta.url, async function makePrimitives(): Promise<{
  lock: Lock
  event: Event
  queue: Queue<string>
}> {
  // A thread that creates its first Queue loads the codec before the synchronous faces.
  await Queue.ready()
  const lock = new Lock()
  lock.acquireSync()
  const event = new Event()
  event.set()
  const queue = new Queue<string>()
  queue.putSync("from the thread")
  return { lock, event, queue }
})

/** Primitives nested in a Map, a Set and an array: uses each. */
export const useNested = threadable(
  import.meta.url,
  function useNested(bag: { map: Map<string, Lock>; set: Set<Event>; list: [Semaphore, { deep: Queue<number> }] }): string[] {
    const done: string[] = []
    const lock = bag.map.get("lock")!
    if (lock.tryAcquire()) done.push("lock")
    for (const event of bag.set) {
      event.set()
      done.push("event")
    }
    bag.list[0].release(2)
    done.push("semaphore")
    bag.list[1].deep.putSync(42)
    done.push("queue")
    return done
  },
)

/** A Thread subclass carrying primitives as fields; it leaves a new Event on itself for the caller. */
export class GuardedCounter extends Thread<number> {
  lock: Lock
  counter: Int32Array
  times: number
  finished?: Event
  constructor(lock: Lock, counter: Int32Array, times: number) {
    super({ name: "guarded" })
    this.lock = lock
    this.counter = counter
    this.times = times
  }
  override run(): number {
    for (let i = 0; i < this.times; i++) {
      const held = this.lock.holdSync()
      Atomics.store(this.counter, 0, Atomics.load(this.counter, 0) + 1)
      held.release()
    }
    this.finished = new Event()
    this.finished.set()
    return this.times
  }
}
threadable(import.meta.url, GuardedCounter)

/** A plain object whose method runs in a thread, with a Semaphore field. */
export class Gate {
  latch?: Lock
  constructor(
    public semaphore: Semaphore,
    public opened = 0,
  ) {}
  /** Leaves a new, held Lock on the object: it must come back to the caller as a live handle. */
  leaveLatch(): void {
    this.latch = new Lock()
    this.latch.acquireSync()
  }
  open(n: number): number {
    this.semaphore.release(n)
    this.opened += n
    return this.opened
  }
}
threadable(import.meta.url, Gate)

/** Condition waiter that reports the phase (`flags[2]`, written by the notifier under the lock) in which it was woken. */
export const conditionPhaseWaiter = threadable(import.meta.url, function conditionPhaseWaiter(cond: Condition, flags: Int32Array): number {
  cond.acquireSync()
  Atomics.add(flags, 0, 1)
  Atomics.notify(flags, 0)
  const notified = cond.waitSync({ timeout: 60_000 })
  const phase = notified ? Atomics.load(flags, 2) : -1
  Atomics.add(flags, 1, 1)
  Atomics.notify(flags, 1)
  cond.release()
  return phase
})

/** Records which thread ran the barrier action (`flags[1] = ident`) and how often (`flags[0]`). Flags come from the global a waiter set. */
export const recordAction = threadable(import.meta.url, function recordAction(): void {
  const flags = (globalThis as { __weftActionFlags?: Int32Array }).__weftActionFlags
  if (flags === undefined) throw new Error("recordAction ran in a thread that did not set up its flags")
  Atomics.add(flags, 0, 1)
  Atomics.store(flags, 1, getIdent() ?? -1)
})

/** One barrier wait; reports the index, this thread's ident, and what the action had recorded by the time this thread was released. */
export const barrierArrival = threadable(import.meta.url, function barrierArrival(barrier: Barrier, flags: Int32Array): {
  index: number
  ident: number | null
  actionRuns: number
  actionIdent: number
} {
  ;(globalThis as { __weftActionFlags?: Int32Array }).__weftActionFlags = flags
  const index = barrier.waitSync({ timeout: 60_000 })
  return { index, ident: getIdent(), actionRuns: Atomics.load(flags, 0), actionIdent: Atomics.load(flags, 1) }
})

function outcome(action: () => unknown): unknown {
  try {
    return action()
  } catch (error) {
    const e = error as { name?: unknown; cause?: unknown }
    return {
      error: String(e?.name),
      dom: typeof DOMException === "function" && error instanceof DOMException,
      cause: e?.cause instanceof Error ? e.cause.name : e?.cause,
    }
  }
}

/**
 * The blocking faces' timeouts and pre-aborted signals, in a thread: each primitive is held or empty,
 * so a timed wait returns false (hold throws TimeoutError) and an aborted signal throws AbortError with the reason as cause.
 */
export const blockingTimeouts = threadable(
  import.meta.url,
  function blockingTimeouts(
    lock: Lock,
    rlock: RLock,
    sem: Semaphore,
    event: Event,
    cond: Condition,
    barrier: Barrier,
  ): Record<string, unknown> {
    const aborted = AbortSignal.abort("why")
    return {
      lock: lock.acquireSync({ timeout: 5 }),
      rlock: rlock.acquireSync({ timeout: 5 }),
      sem: sem.acquireSync({ timeout: 5 }),
      event: event.waitSync({ timeout: 5 }),
      cond: (() => {
        cond.acquireSync()
        try {
          return cond.waitSync({ timeout: 5 })
        } finally {
          cond.release()
        }
      })(),
      condWithoutLock: outcome(() => cond.waitSync({ timeout: 5 })),
      notifyWithoutLock: outcome(() => cond.notify()),
      waitFor: (() => {
        const held = cond.holdSync()
        try {
          return cond.waitForSync(() => 0, { timeout: 5 })
        } finally {
          held[Symbol.dispose]()
        }
      })(),
      lockHold: outcome(() => lock.holdSync({ timeout: 5 })),
      rlockHold: outcome(() => rlock.holdSync({ timeout: 5 })),
      semHold: outcome(() => sem.holdSync({ timeout: 5 })),
      lockAbort: outcome(() => lock.acquireSync({ signal: aborted })),
      semAbort: outcome(() => sem.acquireSync({ signal: aborted })),
      eventAbort: outcome(() => event.waitSync({ signal: aborted })),
      barrierAbort: outcome(() => barrier.waitSync({ signal: aborted })),
      barrierTimeout: outcome(() => barrier.waitSync({ timeout: 5 })),
    }
  },
)

/** Blocks on one primitive with the thread's own signal, after signalling `flags[0] = 1`; cancel() must reach it while it waits. */
export const blockOnOwnSignal = threadable(
  import.meta.url,
  function blockOnOwnSignal(
    kind: "lock" | "rlock" | "semaphore" | "condition" | "barrier" | "queue",
    primitive: Lock | RLock | Semaphore | Condition | Barrier | Queue<unknown>,
    flags: Int32Array,
  ): string {
    const signal = currentThread().signal
    if (kind === "condition") (primitive as Condition).acquireSync()
    raise(flags, 0)
    try {
      if (kind === "lock" || kind === "rlock" || kind === "semaphore") (primitive as Lock).acquireSync({ signal })
      else if (kind === "condition") (primitive as Condition).waitSync({ signal })
      else if (kind === "barrier") (primitive as Barrier).waitSync({ signal })
      else (primitive as Queue<unknown>).getSync({ signal })
      return "woken"
    } catch (error) {
      // Like Python, a Condition wait takes its lock back however it ends: the Lock must be held here again.
      if (kind === "condition" && (primitive as Condition).tryAcquire()) return `${(error as Error).name} without the lock`
      return (error as Error).name
    } finally {
      if (kind === "condition") (primitive as Condition).release()
    }
  },
)

/** A plain class (never registered) whose instance carries an Event as a field, nested inside an argument. */
export class Box {
  constructor(
    public event: Event,
    public label = "box",
  ) {}
}

/** Uses primitives found as Map keys and as a field of a class instance nested in an argument. */
export const useKeysAndFields = threadable(
  import.meta.url,
  function useKeysAndFields(byKey: Map<Lock, string>, holder: { boxes: Box[] }): string[] {
    const done: string[] = []
    for (const [lock, name] of byKey) if (lock.tryAcquire()) done.push(name)
    for (const box of holder.boxes) {
      box.event.set()
      done.push(box.label)
    }
    return done
  },
)

/** The Queue's blocking faces in a thread, on a queue of maxsize 1: the error each step ends with (or its value). */
export const queueBlockingErrors = threadable(import.meta.url, function queueBlockingErrors(queue: Queue<number>): unknown[] {
  const step = (action: () => unknown): unknown => {
    try {
      return action() ?? "ok"
    } catch (error) {
      const e = error as { name?: unknown; cause?: unknown }
      return e.cause === undefined ? String(e.name) : `${String(e.name)} (${String(e.cause)})`
    }
  }
  return [
    step(() => queue.getSync({ timeout: 5 })),
    step(() => queue.putSync(1)),
    step(() => queue.putSync(2, { timeout: 5 })),
    step(() => queue.putSync(2, { signal: AbortSignal.abort("full") })),
    step(() => queue.joinSync({ timeout: 5 })),
    step(() => queue.getSync({ signal: AbortSignal.abort("skip") })),
    step(() => queue.shutdown()),
    step(() => queue.putSync(3)),
    step(() => queue.getSync()),
    step(() => queue.getSync({ timeout: 60_000 })),
  ]
})
