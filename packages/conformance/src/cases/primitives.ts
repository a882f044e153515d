// Lock, RLock, Condition, Semaphore, BoundedSemaphore, Event, Barrier: CPython's documented
// behaviour, across real threads. The test's own thread uses only the async faces (a browser
// page's main thread cannot block); blocking faces run inside the threads.
import {
  Barrier,
  BoundedSemaphore,
  BrokenBarrierError,
  Condition,
  Event,
  Lock,
  Queue,
  RLock,
  RuntimeError,
  Semaphore,
  Thread,
  TimeoutError,
  type FunctionThreadOptions,
} from "@weft/core"
import { deepEqual, equal, ok, rejects, throws } from "../assert.js"
import { group, type Case } from "../harness.js"
import { sharedFlags, signal, waitForValue } from "../sync.js"
import {
  acquireAbandoned,
  barrierArrival,
  barrierRounds,
  barrierWaiter,
  blockingTimeouts,
  blockOnOwnSignal,
  Box,
  conditionPhaseWaiter,
  conditionWaitFor,
  conditionWaiter,
  countAction,
  dieHolding,
  endHolding,
  eventWaiter,
  Gate,
  GuardedCounter,
  holdUntilTold,
  incrementUnderLock,
  incrementWithHold,
  makePrimitives,
  recordAction,
  releaseLock,
  rlockReentry,
  semaphoreAcquire,
  semaphoreWorker,
  tryAcquireIn,
  useKeysAndFields,
  useNested,
  waitWithOwnSignal,
} from "../tasks/primitive-tasks.js"

const shared = { sharedMemory: true } as const

function started<A extends readonly unknown[], R>(options: FunctionThreadOptions<A, R>): Thread<R> {
  const thread = new Thread(options)
  thread.start()
  return thread
}

/** Resolves once `flags[index] >= value` (a wrong implementation that overshoots then fails an assertion instead of hanging). */
async function waitForAtLeast(flags: Int32Array, index: number, value: number): Promise<void> {
  type WaitAsync = (array: Int32Array, index: number, value: number, timeout: number) => { async: boolean; value: unknown }
  const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync
  for (let seen = Atomics.load(flags, index); seen < value; seen = Atomics.load(flags, index)) {
    const attempt = waitAsync?.(flags, index, seen, 1000)
    if (attempt === undefined) await new Promise((resolve) => setTimeout(resolve, 1))
    else if (attempt.async) await (attempt.value as Promise<unknown>)
  }
}

/** Waits (without sleeping a fixed time) until `check()` holds; for state that has no shared word to park on. */
async function until(check: () => boolean, what = "the condition"): Promise<void> {
  // Bounded so a broken build fails here instead of hanging a runner that has no test timeout.
  for (let tries = 0; !check(); tries++) {
    if (tries === 20_000) throw new Error(`gave up waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

const cases: Case[] = [
  // --- Lock ---
  {
    name: "Lock: tryAcquire, locked() and release; releasing an unlocked lock throws RuntimeError",
    requires: shared,
    run: async () => {
      const lock = new Lock()
      equal(lock.locked(), false)
      equal(lock.tryAcquire(), true)
      equal(lock.locked(), true)
      equal(lock.tryAcquire(), false, "a Lock is not reentrant")
      lock.release()
      equal(lock.locked(), false)
      throws(() => lock.release(), { instanceOf: RuntimeError, name: "RuntimeError" })
      equal(await lock.acquire(), true)
      lock.release()
    },
  },
  {
    name: "Lock: a contended acquire waits for the holder; a timeout resolves false; hold() that times out rejects TimeoutError",
    requires: shared,
    run: async () => {
      const lock = new Lock()
      const flags = sharedFlags(2)
      const holder = started({ target: holdUntilTold, args: [lock, flags] })
      await waitForValue(flags, 0, 1)
      equal(lock.tryAcquire(), false)
      equal(await lock.acquire({ timeout: 10 }), false)
      await rejects(lock.hold({ timeout: 5 }), { instanceOf: TimeoutError })
      equal(await started({ target: tryAcquireIn, args: [lock] }).join(), false)
      const waiting = lock.acquire()
      signal(flags, 1, 1)
      equal(await waiting, true)
      equal(await holder.join(), "done")
      lock.release()
    },
  },
  {
    name: "Lock: an acquire aborted by its signal rejects with AbortError carrying the reason",
    requires: shared,
    run: async () => {
      const lock = new Lock()
      lock.tryAcquire()
      const controller = new AbortController()
      const waiting = lock.acquire({ signal: controller.signal })
      controller.abort("stop")
      const error = (await rejects(waiting, { name: "AbortError" })) as Error
      equal(error.cause, "stop")
      await rejects(lock.acquire({ signal: AbortSignal.abort("early") }), { name: "AbortError" })
      lock.release()
      equal(lock.locked(), false)
    },
  },
  {
    name: "Lock: another thread may release it (allowed, as in Python)",
    requires: shared,
    run: async () => {
      const lock = new Lock()
      await lock.acquire()
      const t = started({ target: releaseLock, args: [lock] })
      equal(await t.join(), "released")
      equal(lock.locked(), false)
    },
  },
  {
    name: "Lock: 4 threads × 25,000 non-atomic increments under the lock stay exact",
    requires: shared,
    run: async () => {
      const lock = new Lock()
      const counter = sharedFlags(1)
      const threads = Array.from({ length: 4 }, () => started({ target: incrementUnderLock, args: [lock, counter, 25_000] }))
      await Promise.all(threads.map((t) => t.join()))
      equal(Atomics.load(counter, 0), 100_000)
      equal(lock.locked(), false)
    },
  },
  {
    name: "RLock: hold()/holdSync() from 2 threads plus the async face here keep a counter exact",
    requires: shared,
    run: async () => {
      // weft defines Symbol.dispose where the engine lacks it (WebKit): held handles use the real one.
      equal(typeof Symbol.dispose, "symbol")
      const lock = new RLock()
      const counter = sharedFlags(1)
      const threads = Array.from({ length: 2 }, () => started({ target: incrementWithHold, args: [lock, counter, 3_000] }))
      for (let i = 0; i < 1_000; i++) {
        const held = await lock.hold()
        Atomics.store(counter, 0, Atomics.load(counter, 0) + 1)
        held[Symbol.dispose]()
      }
      await Promise.all(threads.map((t) => t.join()))
      equal(Atomics.load(counter, 0), 7_000)
    },
  },
  {
    name: "Lock: a thread that exits holding it leaves it abandoned; the next acquirer gets it and learns so",
    requires: shared,
    run: async () => {
      const lock = new Lock()
      const flags = sharedFlags(3)
      const dying = started({ target: dieHolding, args: [lock, flags, "exit"] })
      await waitForValue(flags, 0, 1)
      await dying.join().catch(() => undefined)
      equal(lock.locked(), true)
      equal(await lock.acquire({ timeout: 20_000 }), true)
      equal(lock.abandoned, true)
      lock.release()
      equal(lock.abandoned, false)
      equal(lock.locked(), false)
    },
  },
  {
    name: "Lock: a thread that returns holding it hands it on (it stays held, not abandoned; any thread may release it); one whose target throws abandons it",
    requires: shared,
    run: async () => {
      const lock = new Lock()
      equal(await started({ target: endHolding, args: [lock, "return"] }).join(), "returned holding it")
      equal(lock.locked(), true)
      equal(lock.tryAcquire(), false, "a normal return is not a failure: nobody takes it over")
      equal(await lock.acquire({ timeout: 0 }), false)
      equal(lock.abandoned, false)
      lock.release()
      equal(lock.locked(), false)

      const failing = started({ target: endHolding, args: [lock, "throw"] })
      await rejects(failing.join(), { message: "failed while holding the lock" })
      // The failure is recorded once its worker is seen to exit, which may follow join() a little.
      await until(() => lock.tryAcquire())
      equal(lock.abandoned, true, "a failed holder's lock is taken over by tryAcquire too")
      lock.release()
    },
  },
  {
    name: "RLock: an owner that returns holding it abandons it (only its owner could release it); the next acquirer takes it over",
    requires: shared,
    run: async () => {
      const rlock = new RLock()
      await started({ target: endHolding, args: [rlock, "return"] }).join()
      equal(rlock.locked(), true)
      equal(await rlock.acquire({ timeout: 20_000 }), true)
      equal(rlock.abandoned, true)
      rlock.release()
      equal(rlock.locked(), false)
    },
  },
  {
    name: "RLock: a terminated owner's lock is taken over by a waiting thread, which sees abandoned on acquire and on hold()",
    requires: shared,
    run: async () => {
      const lock = new RLock()
      const flags = sharedFlags(3)
      const dying = started({ target: dieHolding, args: [lock, flags, "spin"] })
      await waitForValue(flags, 0, 1)
      const next = started({ target: acquireAbandoned, args: [lock] })
      await dying.terminate()
      const result = await next.join()
      deepEqual(result, { got: true, abandoned: true, heldAbandoned: false, after: false })
    },
  },
  {
    name: "abandoned the other way round: a terminated Lock holder and an RLock holder that exits; the next acquirer here gets each",
    requires: shared,
    run: async () => {
      const lock = new Lock()
      const lockFlags = sharedFlags(3)
      const spinning = started({ target: dieHolding, args: [lock, lockFlags, "spin"] })
      await waitForValue(lockFlags, 0, 1)
      const waiting = lock.acquire({ timeout: 20_000 })
      await spinning.terminate()
      equal(await waiting, true, "a parked acquirer notices the holder died")
      equal(lock.abandoned, true)
      const held = await lock.hold({ timeout: 0 }).catch((error: unknown) => error)
      ok(held instanceof TimeoutError, "the lock is held here now")
      lock.release()
      equal(lock.locked(), false)

      const rlock = new RLock()
      const rlockFlags = sharedFlags(3)
      const exiting = started({ target: dieHolding, args: [rlock, rlockFlags, "exit"] })
      await waitForValue(rlockFlags, 0, 1)
      await exiting.join().catch(() => undefined)
      const taken = await rlock.hold({ timeout: 20_000 })
      equal(taken.abandoned, true, "hold() reports the abandonment")
      equal(rlock.isOwned(), true)
      taken[Symbol.dispose]()
      equal(rlock.locked(), false, "the dead owner's recursion levels are not inherited: one release frees it")
      equal(rlock.abandoned, false)
    },
  },
  {
    name: "RLock: reentrant in its thread; a non-owner's release throws RuntimeError",
    requires: shared,
    run: async () => {
      const rlock = new RLock()
      deepEqual(await started({ target: rlockReentry, args: [rlock, rlock] }).join(), { levels: 3, stillLocked: [true, true, false] })
      await rlock.acquire()
      await rlock.acquire()
      equal(await started({ target: releaseLock, args: [rlock] }).join(), "RuntimeError")
      equal(await started({ target: tryAcquireIn, args: [rlock] }).join(), false)
      rlock.release()
      equal(rlock.locked(), true, "one level is still held")
      rlock.release()
      equal(rlock.locked(), false)
      throws(() => rlock.release(), { name: "RuntimeError" })
    },
  },

  {
    name: "RLock: ownership is per thread, not per async task: two async functions here both own it",
    requires: shared,
    run: async () => {
      const rlock = new RLock()
      const flags = sharedFlags(1)
      const first = (async () => {
        await rlock.acquire()
        await waitForValue(flags, 0, 1)
        rlock.release()
      })()
      const second = (async () => {
        equal(await rlock.acquire({ timeout: 5 }), true, "another async task on this thread re-enters at once")
        equal(rlock.isOwned(), true)
        rlock.release()
        signal(flags, 0, 1)
      })()
      await Promise.all([first, second])
      equal(rlock.locked(), false)
      equal(await started({ target: tryAcquireIn, args: [rlock] }).join(), true, "another thread then gets it")
      equal(rlock.locked(), true, "left held by that (ended) thread")
    },
  },

  // --- Condition ---
  {
    name: "Condition: wait() and notify() without the lock throw RuntimeError",
    requires: shared,
    run: async () => {
      const cond = new Condition()
      await rejects(cond.wait({ timeout: 1 }), { name: "RuntimeError" })
      throws(() => cond.notify(), { name: "RuntimeError" })
      throws(() => cond.notifyAll(), { name: "RuntimeError" })
      const plain = new Condition(new Lock())
      throws(() => plain.notify(), { instanceOf: RuntimeError })
      await plain.acquire()
      equal(await plain.wait({ timeout: 5 }), false, "a wait that nobody notifies times out with false")
      ok(plain.tryAcquire() === false, "the lock is held again after wait")
      plain.release()
    },
  },
  {
    name: "Condition: notify(2) wakes exactly 2 of 5 waiters, notify(1) one more, notifyAll() the rest; no token is left over",
    requires: shared,
    run: async () => {
      const cond = new Condition(new Lock())
      // flags[0]: waiters parked, flags[1]: waiters woken, flags[2]: the phase, written under the lock before each notify.
      const flags = sharedFlags(3)
      const threads = Array.from({ length: 5 }, () => started({ target: conditionPhaseWaiter, args: [cond, flags] }))
      await waitForValue(flags, 0, 5)
      // Each waiter counts itself while holding the lock and gives the lock up only inside wait: all 5 are waiting now.
      const phases: Array<[phase: number, notify: () => void, wokenAfter: number]> = [
        [1, () => cond.notify(2), 2],
        [2, () => cond.notify(1), 3],
        [3, () => cond.notifyAll(), 5],
      ]
      for (const [phase, notify, wokenAfter] of phases) {
        await cond.acquire()
        signal(flags, 2, phase)
        notify()
        cond.release()
        await waitForAtLeast(flags, 1, wokenAfter)
        // A quiet moment in which an over-woken waiter would report too. Not synchronisation: a correct
        // implementation passes however short or long it is; a wrong one is caught when it is long enough.
        await new Promise((resolve) => setTimeout(resolve, 20))
        equal(Atomics.load(flags, 1), wokenAfter, `waiters woken after phase ${phase}`)
      }
      const woken = await Promise.all(threads.map((t) => t.join()))
      deepEqual(woken.sort(), [1, 1, 2, 3, 3], "the phase each waiter was woken in")
      await cond.acquire()
      cond.notify(3)
      equal(await cond.wait({ timeout: 5 }), false, "a notify with nobody waiting leaves no wake-up behind")
      cond.release()
    },
  },
  {
    name: "Condition: notifyAll() wakes every waiter; waitFor(predicate) returns the predicate's value",
    requires: shared,
    run: async () => {
      const cond = new Condition()
      const flags = sharedFlags(3)
      const waiters = Array.from({ length: 3 }, () => started({ target: conditionWaiter, args: [cond, flags] }))
      await waitForValue(flags, 0, 3)
      await cond.acquire()
      cond.notifyAll()
      cond.release()
      deepEqual(await Promise.all(waiters.map((t) => t.join())), [true, true, true])
      const predicateFlags = sharedFlags(3)
      const forThread = started({ target: conditionWaitFor, args: [cond, predicateFlags] })
      await waitForValue(predicateFlags, 0, 1)
      for (let i = 0; i < 3; i++) {
        const held = await cond.hold()
        Atomics.add(predicateFlags, 2, 1)
        cond.notifyAll()
        held.release()
      }
      equal(await forThread.join(), 3)
      await cond.acquire()
      equal(await cond.waitFor(() => Atomics.load(predicateFlags, 2) === 3), true)
      equal(await cond.waitFor(() => 0, { timeout: 5 }), 0)
      cond.release()
    },
  },

  // --- Event ---
  {
    name: "Event: set() wakes every waiter; a waiter woken by set() returns true even though clear() follows at once",
    requires: shared,
    run: async () => {
      const event = new Event()
      equal(event.isSet(), false)
      equal(await event.wait({ timeout: 5 }), false)
      // Waiting here is registered synchronously, so set() then clear() at once is deterministic.
      const local = [event.wait(), event.wait({ timeout: 60_000 })]
      event.set()
      event.clear()
      equal(event.isSet(), false)
      deepEqual(await Promise.all(local), [true, true])
      const flags = sharedFlags(2)
      const waiters = Array.from({ length: 3 }, () => started({ target: eventWaiter, args: [event, flags] }))
      await waitForValue(flags, 0, 3)
      event.set()
      deepEqual(await Promise.all(waiters.map((t) => t.join())), [true, true, true])
      event.clear()
      equal(await event.wait({ timeout: 1 }), false)
    },
  },
  {
    name: "Event: threads in waitSync() all return true under set() pulses each followed at once by clear() (no lost wake-up)",
    requires: shared,
    run: async () => {
      const event = new Event()
      const flags = sharedFlags(2)
      const waiters = Array.from({ length: 3 }, () => started({ target: eventWaiter, args: [event, flags, 20_000] }))
      await waitForValue(flags, 0, 3)
      // A thread may not be parked yet when set() runs, so pulse until all have returned: the flag is never left set.
      // (That a parked waiter returns true after set()+clear() is checked deterministically on the async face above.)
      while (Atomics.load(flags, 1) < 3 && waiters.some((t) => t.isAlive())) {
        event.set()
        event.clear()
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
      deepEqual(
        await Promise.all(waiters.map((t) => t.join())),
        [true, true, true],
        "a waiter woken by set() returns true though the flag is clear again",
      )
      equal(event.isSet(), false)
    },
  },
  {
    name: "Event: a blocking wait on the thread's own signal sees cancel() while it waits",
    requires: shared,
    run: async () => {
      const event = new Event()
      const flags = sharedFlags(1)
      const t = started({ target: waitWithOwnSignal, args: [event, flags] })
      await waitForValue(flags, 0, 1)
      t.cancel("enough")
      equal(await t.join(), "AbortError")
      equal(event.isSet(), false)
    },
  },

  // --- Semaphore ---
  {
    name: "Semaphore: bounds concurrency across 4 threads; release(n) wakes n waiters",
    requires: shared,
    run: async () => {
      const sem = new Semaphore(2)
      const flags = sharedFlags(2)
      await Promise.all(Array.from({ length: 4 }, () => started({ target: semaphoreWorker, args: [sem, flags, 300] }).join()))
      ok(Atomics.load(flags, 1) <= 2, `at most 2 inside at once (saw ${Atomics.load(flags, 1)})`)
      equal(Atomics.load(flags, 0), 0)
      equal(sem.value, 2)
      const zero = new Semaphore(0)
      equal(zero.tryAcquire(), false)
      equal(await zero.acquire({ timeout: 5 }), false)
      const a = sharedFlags(2)
      const b = sharedFlags(2)
      const ta = started({ target: semaphoreAcquire, args: [zero, a] })
      const tb = started({ target: semaphoreAcquire, args: [zero, b] })
      await waitForValue(a, 0, 1)
      await waitForValue(b, 0, 1)
      zero.release(2)
      deepEqual([await ta.join(), await tb.join()], [true, true])
      throws(() => new Semaphore(-1), { instanceOf: RangeError })
    },
  },
  {
    name: "BoundedSemaphore: releasing past the initial value throws RangeError",
    requires: shared,
    run: async () => {
      const sem = new BoundedSemaphore(2)
      throws(() => sem.release(), { instanceOf: RangeError })
      equal(await sem.acquire(), true)
      sem.release()
      throws(() => sem.release(), { instanceOf: RangeError })
      equal(sem.tryAcquire(), true)
      equal(sem.tryAcquire(), true)
      equal(sem.tryAcquire(), false)
      throws(() => sem.release(3), { instanceOf: RangeError })
      sem.release(2)
      ok(sem instanceof Semaphore)
      const flags = sharedFlags(2)
      const taken = new BoundedSemaphore(1)
      taken.tryAcquire()
      const t = started({ target: semaphoreAcquire, args: [taken, flags] })
      await waitForValue(flags, 0, 1)
      taken.release()
      equal(await t.join(), true, "a BoundedSemaphore crosses as bounded and wakes its waiter")
      throws(() => new BoundedSemaphore(0).release(), { instanceOf: RangeError })
    },
  },

  // --- Barrier ---
  {
    name: "Barrier: 3 threads × 3 rounds get indices 0..2 each round; the registered action runs once per round",
    requires: shared,
    run: async () => {
      const barrier = new Barrier(3, { action: countAction })
      const flags = sharedFlags(1)
      const threads = Array.from({ length: 3 }, () => started({ target: barrierRounds, args: [barrier, flags, 3] }))
      const results = await Promise.all(threads.map((t) => t.join()))
      for (let round = 0; round < 3; round++) deepEqual(results.map((r) => r[round]).sort(), [0, 1, 2], `round ${round}`)
      equal(Atomics.load(flags, 0), 3)
      equal(barrier.parties, 3)
      equal(barrier.nWaiting, 0)
      equal(barrier.broken, false)
    },
  },
  {
    name: "Barrier: abort() breaks it for the waiters and later callers; reset() makes it usable again",
    requires: shared,
    run: async () => {
      const barrier = new Barrier(3)
      const waiters = Array.from({ length: 2 }, () => started({ target: barrierWaiter, args: [barrier] }))
      await until(() => barrier.nWaiting === 2)
      barrier.abort()
      deepEqual(await Promise.all(waiters.map((t) => t.join())), ["BrokenBarrierError", "BrokenBarrierError"])
      equal(barrier.broken, true)
      await rejects(barrier.wait(), { instanceOf: BrokenBarrierError })
      barrier.reset()
      equal(barrier.broken, false)
      const indices = await Promise.all([barrier.wait(), barrier.wait(), barrier.wait()])
      deepEqual([...indices].sort(), [0, 1, 2])
    },
  },
  {
    name: "Barrier: reset() with a waiter breaks its wait; a wait that times out breaks the barrier; a failing action breaks it",
    requires: shared,
    run: async () => {
      const barrier = new Barrier(2)
      const waiter = started({ target: barrierWaiter, args: [barrier] })
      await until(() => barrier.nWaiting === 1)
      barrier.reset()
      equal(await waiter.join(), "BrokenBarrierError")
      equal(barrier.broken, false)
      await rejects(barrier.wait({ timeout: 5 }), { instanceOf: BrokenBarrierError })
      equal(barrier.broken, true)
      const failing = new Barrier(1, {
        action: () => {
          throw new Error("action failed")
        },
      })
      await rejects(failing.wait(), { message: "action failed" })
      equal(failing.broken, true)
      const timed = new Barrier(2, { timeout: 5 })
      await rejects(timed.wait(), { instanceOf: BrokenBarrierError })
    },
  },

  {
    name: "Barrier: indices follow arrival order; the action runs once, in the last thread to arrive, before anyone is released",
    requires: shared,
    run: async () => {
      const barrier = new Barrier(3, { action: recordAction })
      // flags[0]: action runs, flags[1]: the ident of the thread that ran it.
      const flags = sharedFlags(2)
      signal(flags, 1, -2)
      ;(globalThis as { __weftActionFlags?: Int32Array }).__weftActionFlags = flags
      try {
        const first = barrier.wait({ timeout: 60_000 })
        await until(() => barrier.nWaiting === 1)
        const second = started({ target: barrierArrival, args: [barrier, flags] })
        await until(() => barrier.nWaiting === 2)
        const third = started({ target: barrierArrival, args: [barrier, flags] })
        const [mine, a, b] = await Promise.all([first, second.join(), third.join()])
        equal(mine, 0, "the first to arrive gets index 0")
        equal(a.index, 1)
        equal(b.index, 2, "the last to arrive gets parties - 1")
        equal(Atomics.load(flags, 0), 1, "the action ran once")
        equal(Atomics.load(flags, 1), third.ident, "the action ran in the last thread to arrive")
        deepEqual([a.actionRuns, b.actionRuns], [1, 1], "every waiter was released after the action")
        deepEqual([a.actionIdent, b.actionIdent], [third.ident, third.ident])
        equal(barrier.nWaiting, 0)
      } finally {
        delete (globalThis as { __weftActionFlags?: Int32Array }).__weftActionFlags
      }
    },
  },
  {
    name: "Barrier: an aborted wait rejects AbortError and breaks the barrier; one with an unregistered action cannot cross",
    requires: shared,
    run: async () => {
      const barrier = new Barrier(2)
      const controller = new AbortController()
      const waiting = barrier.wait({ signal: controller.signal })
      await until(() => barrier.nWaiting === 1)
      controller.abort("leave")
      const error = (await rejects(waiting, { instanceOf: DOMException, name: "AbortError" })) as Error
      equal(error.cause, "leave")
      equal(barrier.broken, true, "a waiter that leaves breaks the barrier, as a timeout does")
      await rejects(barrier.wait(), { instanceOf: BrokenBarrierError })
      const local = new Barrier(2, { action: () => undefined })
      const t = new Thread({ target: barrierWaiter, args: [local] })
      throws(() => t.start(), { instanceOf: TypeError, message: /threadable/ })
      equal(t.isAlive(), false)
    },
  },

  // --- timeouts and aborts on every wait ---
  {
    name: "blocking faces in a thread: a timeout returns false, holdSync() throws TimeoutError, an aborted signal throws AbortError with the reason",
    requires: shared,
    run: async () => {
      const lock = new Lock()
      const rlock = new RLock()
      await lock.acquire()
      await rlock.acquire()
      const result = await started({
        target: blockingTimeouts,
        args: [lock, rlock, new Semaphore(0), new Event(), new Condition(new Lock()), new Barrier(2)],
      }).join()
      const abort = { error: "AbortError", dom: true, cause: "why" }
      deepEqual(result, {
        lock: false,
        rlock: false,
        sem: false,
        event: false,
        cond: false,
        condWithoutLock: { error: "RuntimeError", dom: false, cause: undefined },
        notifyWithoutLock: { error: "RuntimeError", dom: false, cause: undefined },
        waitFor: 0,
        lockHold: { error: "TimeoutError", dom: false, cause: undefined },
        rlockHold: { error: "TimeoutError", dom: false, cause: undefined },
        semHold: { error: "TimeoutError", dom: false, cause: undefined },
        lockAbort: abort,
        semAbort: abort,
        eventAbort: abort,
        barrierAbort: abort,
        barrierTimeout: { error: "BrokenBarrierError", dom: false, cause: undefined },
      })
      equal(lock.locked(), true, "the timed-out waits left the lock to its holder")
      rlock.release()
      lock.release()
    },
  },
  {
    name: "async faces: an abort rejects with a DOMException named AbortError whose cause is the reason, and leaves the primitive usable",
    requires: shared,
    run: async () => {
      const reason = new Error("stop waiting")
      const aborted = async (start: (signal: AbortSignal) => Promise<unknown>): Promise<void> => {
        const controller = new AbortController()
        const waiting = start(controller.signal)
        controller.abort(reason)
        const error = (await rejects(waiting, { instanceOf: DOMException, name: "AbortError" })) as Error
        equal(error.cause, reason)
        await rejects(start(AbortSignal.abort(reason)), {
          instanceOf: DOMException,
          name: "AbortError",
          check: (e) => equal((e as Error).cause, reason),
        })
      }
      const rlock = new RLock()
      const held = new Lock()
      await held.acquire()
      await aborted((signal) => held.hold({ signal }))
      const sem = new Semaphore(0)
      await aborted((signal) => sem.acquire({ signal }))
      sem.release()
      equal(sem.tryAcquire(), true, "an aborted acquire took nothing")
      const event = new Event()
      await aborted((signal) => event.wait({ signal }))
      const cond = new Condition(rlock)
      await cond.acquire()
      await aborted((signal) => cond.wait({ signal }))
      equal(rlock.isOwned(), true, "an aborted Condition.wait takes its lock back")
      cond.notify()
      equal(await cond.wait({ timeout: 5 }), false, "the aborted waiter is no longer counted")
      cond.release()
      const queue = new Queue<number>({ maxsize: 1 })
      await aborted((signal) => queue.get({ signal }))
      await queue.put(1)
      await aborted((signal) => queue.put(2, { signal }))
      equal(await queue.get(), 1)
      equal(queue.empty(), true, "an aborted put added nothing")
      held.release()
    },
  },
  {
    name: "blocking waits on the thread's own signal see cancel() while they wait: Lock, RLock, Semaphore, Condition, Barrier, Queue",
    requires: shared,
    run: async () => {
      const lock = new Lock()
      const rlock = new RLock()
      await lock.acquire()
      await rlock.acquire()
      const blocked = {
        lock,
        rlock,
        semaphore: new Semaphore(0),
        condition: new Condition(new Lock()),
        barrier: new Barrier(2),
        queue: new Queue<unknown>(),
      } as const
      const threads = Object.entries(blocked).map(([kind, primitive]) => {
        const flags = sharedFlags(1)
        return { kind, flags, thread: started({ target: blockOnOwnSignal, args: [kind as keyof typeof blocked, primitive, flags] }) }
      })
      for (const { flags, thread } of threads) {
        await waitForValue(flags, 0, 1)
        thread.cancel("enough")
      }
      const results = Object.fromEntries(await Promise.all(threads.map(async ({ kind, thread }) => [kind, await thread.join()] as const)))
      deepEqual(results, {
        lock: "AbortError",
        rlock: "AbortError",
        semaphore: "AbortError",
        condition: "AbortError",
        barrier: "AbortError",
        queue: "AbortError",
      })
      lock.release()
      equal(lock.locked(), false, "the cancelled acquirer did not take the lock")
      rlock.release()
      equal(rlock.locked(), false)
      equal(blocked.barrier.broken, true, "a cancelled barrier wait breaks the barrier")
    },
  },

  // --- crossing the boundary ---
  {
    name: "primitives nested in Map, Set and arrays arrive as live handles",
    requires: shared,
    run: async () => {
      const lock = new Lock()
      const event = new Event()
      const sem = new Semaphore(0)
      const queue = new Queue<number>()
      const bag = {
        map: new Map([["lock", lock]]),
        set: new Set([event]),
        list: [sem, { deep: queue }] as [Semaphore, { deep: Queue<number> }],
      }
      deepEqual(await started({ target: useNested, args: [bag] }).join(), ["lock", "event", "semaphore", "queue"])
      equal(lock.locked(), true)
      equal(event.isSet(), true)
      equal(sem.tryAcquire() && sem.tryAcquire(), true)
      equal(await queue.get(), 42)
    },
  },
  {
    name: "primitives used as Map keys and as fields of class instances nested in an argument arrive live",
    requires: shared,
    run: async () => {
      const first = new Lock()
      const second = new Lock()
      const events = [new Event(), new Event()]
      const byKey = new Map([
        [first, "first"],
        [second, "second"],
      ])
      const holder = { boxes: [new Box(events[0]!, "a"), new Box(events[1]!, "b")] }
      deepEqual(await started({ target: useKeysAndFields, args: [byKey, holder] }).join(), ["first", "second", "a", "b"])
      deepEqual([first.locked(), second.locked()], [true, true])
      deepEqual(
        events.map((e) => e.isSet()),
        [true, true],
      )
    },
  },
  {
    name: "a Thread subclass's Lock field is live in run(); a primitive it leaves on itself comes back live",
    requires: shared,
    run: async () => {
      const lock = new Lock()
      const counter = sharedFlags(1)
      const a = new GuardedCounter(lock, counter, 5_000)
      const b = new GuardedCounter(lock, counter, 5_000)
      a.start()
      b.start()
      await Promise.all([a.join(), b.join()])
      equal(Atomics.load(counter, 0), 10_000)
      ok(a.finished instanceof Event, "the field written in the thread is an Event here")
      equal(a.finished.isSet(), true)
      ok(a.lock instanceof Lock)
      a.lock.tryAcquire()
      equal(lock.locked(), true, "the written-back lock is the same memory")
      lock.release()
    },
  },
  {
    name: "an object's Semaphore field is live in the method's thread",
    requires: shared,
    run: async () => {
      const gate = new Gate(new Semaphore(0))
      const opener = new Thread({ target: gate, method: "open", args: [2] })
      opener.start()
      equal(await opener.join(), 2)
      equal(gate.opened, 2)
      equal(gate.semaphore.tryAcquire(), true)
      equal(gate.semaphore.tryAcquire(), true)
      equal(gate.semaphore.tryAcquire(), false)
    },
  },
  {
    name: "a primitive a method leaves on its object comes back to the caller's object live",
    requires: shared,
    run: async () => {
      const gate = new Gate(new Semaphore(0))
      const leaver = new Thread({ target: gate, method: "leaveLatch" })
      leaver.start()
      await leaver.join()
      ok(gate.latch instanceof Lock, "the written-back field is a Lock here")
      equal(gate.latch.locked(), true, "taken in the thread, still held: the same memory")
      gate.latch.release()
      equal(gate.latch.tryAcquire(), true)
    },
  },
  {
    name: "primitives created in a thread and returned are live handles here",
    requires: shared,
    run: async () => {
      const { lock, event, queue } = await started({ target: makePrimitives }).join()
      equal(lock.locked(), true)
      lock.release()
      equal(event.isSet(), true)
      equal(await queue.get({ timeout: 20_000 }), "from the thread")
    },
  },

  // --- where blocking is forbidden ---
  {
    name: "blocking faces throw at once where this thread may not block, naming the async form",
    requires: { sharedMemory: true, blockingWait: false },
    run: () => {
      throws(() => new Lock().acquireSync(), { name: "RuntimeError", message: "await lock.acquire()" })
      throws(() => new RLock().holdSync(), { name: "RuntimeError", message: "await rlock.hold()" })
      throws(() => new Event().waitSync(), { name: "RuntimeError", message: "await event.wait()" })
      throws(() => new Semaphore().acquireSync(), { name: "RuntimeError", message: "await semaphore.acquire()" })
      throws(() => new Barrier(1).waitSync(), { name: "RuntimeError", message: "await barrier.wait()" })
      throws(() => new Queue().getSync(), { name: "RuntimeError", message: "await queue.get()" })
      throws(() => new Lock().holdSync(), { name: "RuntimeError", message: "await lock.hold()" })
      throws(() => new RLock().acquireSync(), { name: "RuntimeError", message: "await rlock.acquire()" })
      throws(() => new BoundedSemaphore().acquireSync(), { name: "RuntimeError", message: "await semaphore.acquire()" })
      throws(() => new Semaphore().holdSync(), { name: "RuntimeError", message: "await semaphore." })
      throws(() => new Condition().waitSync(), { name: "RuntimeError", message: "await condition.wait()" })
      throws(() => new Condition().waitForSync(() => true), { name: "RuntimeError", message: "await condition.waitFor()" })
      throws(() => new Queue().putSync(1), { name: "RuntimeError", message: "await queue.put()" })
      throws(() => new Queue().joinSync(), { name: "RuntimeError", message: "await queue.join()" })
      const lock = new Lock()
      lock.tryAcquire()
      throws(() => lock.acquireSync({ timeout: 0 }), { name: "RuntimeError", message: "await lock.acquire()" })
    },
  },
  {
    name: "without SharedArrayBuffer, constructing a primitive explains why: the COOP/COEP headers, or a browser without it even when isolated",
    requires: { sharedMemory: false },
    run: () => {
      if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true) {
        // WebKitGTK: isolated, yet no SharedArrayBuffer. Sending the user to the headers would mislead.
        const error = throws(() => new Lock(), {
          name: "RuntimeError",
          message: /this browser does not have, even on a cross-origin isolated page/,
        })
        ok(!String((error as Error).message).includes("Cross-Origin-Opener-Policy"), String((error as Error).message))
        throws(() => new Queue(), { message: /even on a cross-origin isolated page/ })
        return
      }
      throws(() => new Lock(), { message: /Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/ })
      throws(() => new Queue(), { message: /cross-origin isolated/ })
    },
  },
]

export const primitiveCases = group("Primitives", cases)
