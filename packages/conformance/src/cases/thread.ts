import {
  activeCount,
  currentThread,
  enumerate,
  mainThread,
  RuntimeError,
  setExcepthook,
  Thread,
  ThreadExitError,
  ThreadTargetError,
  ThreadTerminatedError,
  threadable,
  Timer,
  TimeoutError,
  type ExcepthookArgs,
} from "@weft/core"
import { deepEqual, equal, ok, rejects, throws } from "../assert.js"
import { group } from "../harness.js"
import { sharedFlags, signal, waitForValue } from "../sync.js"
import { unreachable } from "../tasks/broken-module.js"
import {
  add,
  awaitCancel,
  blockUntilReleased,
  CodedError,
  Counter,
  Doubler,
  echo,
  exitWith,
  failAggregate,
  failRich,
  failWith,
  later,
  nested,
  returnUncloneable,
  spinForever,
  spinUntilCancelled,
  whoAmI,
} from "../tasks/thread-tasks.js"
import { Unregistered, UnregisteredThread } from "../tasks/unregistered.js"

function startFromNamedSite(thread: Thread): void {
  thread.start()
}

async function run<R>(thread: Thread<R>): Promise<R> {
  thread.start()
  return thread.join()
}

/** Captures the excepthook's calls for the duration of `body`. */
async function withExcepthook(body: (calls: ExcepthookArgs[], next: () => Promise<ExcepthookArgs>) => Promise<void>): Promise<void> {
  const calls: ExcepthookArgs[] = []
  let wake: ((args: ExcepthookArgs) => void) | undefined
  const previous = setExcepthook((args) => {
    calls.push(args)
    wake?.(args)
  })
  try {
    await body(calls, () => new Promise((resolve) => (wake = resolve)))
  } finally {
    setExcepthook(previous)
  }
}

export const threadCases = group("Thread", [
  // --- the three creation styles ---
  {
    name: "functional style: a registered function's return value comes back from join()",
    run: async () => equal(await run(new Thread({ target: add, args: [2, 3] })), 5),
  },
  {
    name: "functional style: a promise returned by the target is awaited",
    run: async () => equal(await run(new Thread({ target: later, args: ["done"] })), "done!"),
  },
  {
    name: "functional style: an inline self-contained function is sent as source",
    run: async () => {
      const t = new Thread({ target: (a: number, b: number) => a * b, args: [6, 7] })
      equal(await run(t), 42)
      equal(
        await run(
          new Thread({
            target: async function square(n: number) {
              return n * n
            },
            args: [9],
          }),
        ),
        81,
      )
    },
  },
  {
    name: "arguments and results carry structured-cloneable values (Map, Set, Date, BigInt, typed arrays)",
    run: async () => {
      const value = {
        map: new Map([["a", 1]]),
        set: new Set([1, 2]),
        date: new Date(5),
        big: 2n ** 70n,
        bytes: new Uint8Array([1, 2, 3]),
        nested: [{ x: null }],
      }
      deepEqual(await run(new Thread({ target: echo, args: [value] })), value)
    },
  },
  {
    name: "instance style: the method runs on a copy and its fields are written back",
    run: async () => {
      const counter = new Counter(5)
      const result = await run(new Thread({ target: counter, method: "add", args: [3] }))
      equal(result, 8)
      equal(counter.count, 8)
      equal(counter.label, "counter")
      ok(!("temporary" in counter), "a field the thread deleted is deleted on the caller's object")
    },
  },
  {
    name: "instance style: function-valued fields stay on the caller's object and are not sent",
    run: async () => {
      const counter = new Counter(1) as Counter & { helper?: () => number }
      counter.helper = () => 1
      equal(await run(new Thread({ target: counter, method: "keepFunction" })), "undefined")
      equal(typeof counter.helper, "function")
    },
  },
  {
    name: "subclass style: run() executes in the thread with the object's fields, which come back",
    run: async () => {
      const doubler = new Doubler(21, "doubler")
      const inside = await run(doubler)
      equal(doubler.value, 42)
      deepEqual(doubler.history, [21])
      deepEqual(inside, { name: "doubler", ident: doubler.ident, same: true, isThread: true })
    },
  },
  {
    name: "a field that cannot be cloned back rejects join() naming the field",
    run: async () => {
      const counter = new Counter(1)
      await rejects(run(new Thread({ target: counter, method: "leaveUncloneable" })), { message: /field "handle"/ })
    },
  },
  {
    name: "a result that cannot be cloned rejects join() instead of hanging",
    run: async () => {
      await rejects(run(new Thread({ target: returnUncloneable })), { instanceOf: TypeError, message: /cannot be sent back/ })
    },
  },

  // --- lifecycle ---
  {
    name: "ident is null before start, an integer after, and the same inside the thread",
    run: async () => {
      const t = new Thread({ target: whoAmI, name: "who" })
      equal(t.ident, null)
      t.start()
      ok(Number.isInteger(t.ident), "ident is an integer once started")
      const inside = await t.join()
      equal(inside.ident, t.ident)
      equal(inside.getIdent, t.ident)
      equal(inside.name, "who")
      equal(inside.main, false)
      equal(inside.alive, true)
    },
  },
  {
    name: "isAlive() is true from start() until the thread ends",
    requires: { sharedMemory: true },
    run: async () => {
      const flags = sharedFlags(2)
      const t = new Thread({ target: blockUntilReleased, args: [flags] })
      equal(t.isAlive(), false)
      t.start()
      equal(t.isAlive(), true)
      await waitForValue(flags, 1, 1)
      equal(t.isAlive(), true)
      ok(enumerate().includes(t), "enumerate() lists the running thread")
      ok(activeCount() >= 2, "activeCount() counts it")
      signal(flags, 0, 1)
      equal(await t.join(), "released")
      equal(t.isAlive(), false)
      ok(!enumerate().includes(t), "an ended thread is no longer listed")
    },
  },
  {
    name: "names: explicit, generated from the target, and MainThread on the main thread",
    run: () => {
      equal(new Thread({ target: add, args: [1, 2], name: "adder" }).name, "adder")
      ok(/^Thread-\d+ \(add\)$/.test(new Thread({ target: add, args: [1, 2] }).name), "default names follow Python's Thread-N (target)")
      equal(mainThread().name, "MainThread")
      equal(currentThread(), mainThread())
      equal(currentThread().daemon, false)
    },
  },
  {
    name: "daemon defaults to the creating thread's flag and can be set before start",
    run: async () => {
      const t = new Thread({ target: whoAmI })
      equal(t.daemon, false)
      const d = new Thread({ target: whoAmI, daemon: true })
      equal(d.daemon, true)
      equal((await run(d)).daemon, true)
      throws(
        () => {
          d.daemon = false
        },
        { name: "RuntimeError" },
      )
    },
  },
  {
    name: "a thread can start a nested thread",
    run: async () => {
      const result = await run(new Thread({ target: nested, args: [20, 22] }))
      equal(result.sum, 42)
      ok(result.inner !== result.outer, "the nested thread has its own ident")
    },
  },

  // --- bad input ---
  {
    name: "start() twice throws RuntimeError",
    run: async () => {
      const t = new Thread({ target: add, args: [1, 1] })
      t.start()
      throws(() => t.start(), { instanceOf: RuntimeError, name: "RuntimeError", message: /only be started once/ })
      equal(await t.join(), 2)
    },
  },
  {
    name: "join() before start() throws RuntimeError",
    run: () => {
      throws(() => new Thread({ target: add, args: [1, 2] }).join(), { instanceOf: RuntimeError, message: /before it is started/ })
    },
  },
  {
    name: "an argument that cannot be cloned fails in start(), naming its position, and leaves the thread unstarted",
    run: () => {
      // @ts-expect-error a function cannot be copied into a thread: checked at start()
      const t = new Thread({ target: add, args: [1, () => 2] })
      throws(() => t.start(), { instanceOf: TypeError, message: /args\[1\]/ })
      equal(t.isAlive(), false)
      equal(t.ident, null)
      throws(() => t.join(), { instanceOf: RuntimeError })
    },
  },
  {
    name: "a function passed as an argument (or inside one) is named, with the fix: register it with threadable and pass data",
    run: () => {
      // @ts-expect-error a function cannot be copied into a thread: checked at start()
      const t = new Thread({ target: add, args: [1, { onDone: () => 2 }] })
      throws(() => t.start(), {
        instanceOf: TypeError,
        message: /args\[1\]\.onDone is a function.*threadable\(import\.meta\.url, fn\).*pass the data/,
      })
      equal(t.isAlive(), false)
      // @ts-expect-error as above
      throws(() => new Thread({ target: add, args: [() => 1, 2] }).start(), {
        instanceOf: TypeError,
        message: /args\[0\] is a function.*threadable/,
      })
    },
  },
  {
    name: "an inline closure over an outer variable rejects with ThreadTargetError naming it and the fix",
    run: async () => {
      // Not a literal: Bun's transpiler inlines a `const` literal into the closure, which then works.
      const offset = Number.parseInt("10", 10)
      const t = new Thread({
        target: function addOffset(n: number) {
          return n + offset
        },
        args: [1],
      })
      await rejects(run(t), {
        instanceOf: ThreadTargetError,
        check: (error) => {
          const message = (error as Error).message
          ok(message.includes('"offset"'), `names the identifier: ${message}`)
          ok(message.includes("argument") && message.includes("threadable"), `says how to fix it: ${message}`)
        },
      })
    },
  },
  {
    name: "method shorthand, bound and native functions fail in start() with ThreadTargetError",
    run: () => {
      const holder = {
        shorthand(n: number) {
          return n
        },
      }
      throws(() => new Thread({ target: holder.shorthand, args: [1] }).start(), {
        instanceOf: ThreadTargetError,
        message: /method shorthand/,
      })
      throws(() => new Thread({ target: ((n: number) => n).bind(null), args: [1] }).start(), {
        instanceOf: ThreadTargetError,
        message: /native or bound/,
      })
      throws(() => new Thread({ target: Math.max }).start(), { instanceOf: ThreadTargetError })
    },
  },
  {
    name: "an object whose class was never registered fails in start()",
    run: () => {
      throws(() => new Thread({ target: new Unregistered(), method: "bump" }).start(), {
        instanceOf: ThreadTargetError,
        message: /threadable\(import\.meta\.url, Unregistered\)/,
      })
    },
  },
  {
    name: "a Thread subclass that was never registered fails in start()",
    run: () => {
      const t = new UnregisteredThread()
      throws(() => t.start(), { instanceOf: ThreadTargetError, message: /UnregisteredThread/ })
      equal(t.isAlive(), false)
    },
  },
  {
    name: "a method that does not exist on the object fails in start()",
    run: () => {
      // @ts-expect-error Counter has no method "nope"; plain JavaScript gets the error at start()
      throws(() => new Thread({ target: new Counter(1), method: "nope" }).start(), {
        instanceOf: ThreadTargetError,
        message: /no method "nope"/,
      })
      // @ts-expect-error an object target needs a method
      throws(() => new Thread({ target: new Counter(1) }).start(), { instanceOf: ThreadTargetError, message: /no method/ })
    },
  },
  {
    name: "threadable() rejects anonymous, 'default' and reserved keys, and a key taken by another module",
    run: () => {
      throws(
        () =>
          threadable(
            import.meta.url,
            (
              () => () =>
                1
            )(),
          ),
        { instanceOf: TypeError, message: /name/ },
      )
      throws(() => threadable(import.meta.url, function named() {}, { name: "default" }), { instanceOf: TypeError })
      throws(() => threadable(import.meta.url, function named() {}, { name: "weft:mine" }), { instanceOf: TypeError, message: /reserved/ })
      throws(() => threadable("file:///elsewhere.js", function add() {}), { instanceOf: TypeError, message: /already taken/ })
    },
  },

  // --- errors across the boundary ---
  {
    name: "a thrown error keeps its class, name, message, own properties and cause chain",
    run: async () => {
      const error = (await rejects(run(new Thread({ target: failRich })), {
        instanceOf: CodedError,
        name: "CodedError",
        message: "top",
      })) as CodedError
      equal(error.code, "E_CODED")
      deepEqual(error.detail, { retry: false })
      const middle = error.cause as Error
      ok(middle instanceof TypeError, "cause keeps its built-in class")
      equal(middle.message, "middle")
      ok(middle.cause instanceof RangeError, "the chain goes on")
      equal((middle.cause as Error).message, "root cause")
    },
  },
  {
    name: "the stack shows the thread's frames followed by the start() site",
    run: async () => {
      const thread = new Thread({ target: failRich, name: "stacky" })
      startFromNamedSite(thread)
      const error = (await rejects(thread.join())) as Error
      const stack = String(error.stack)
      ok(/failRich/.test(stack), `the thread's frame is there: ${stack}`)
      const marker = stack.indexOf("thread stacky started at")
      ok(marker > stack.indexOf("failRich"), `the caller's part follows: ${stack}`)
      // The frames of the start() call itself, though they are read only once the thread failed.
      ok(stack.slice(marker).includes("startFromNamedSite"), `the caller's part is the start() site: ${stack}`)
    },
  },
  {
    name: "AggregateError keeps its errors",
    run: async () => {
      const error = (await rejects(run(new Thread({ target: failAggregate })), {
        instanceOf: AggregateError,
        message: "several",
      })) as AggregateError
      equal(error.errors.length, 2)
      ok(error.errors[1] instanceof CodedError, "inner errors keep registered classes")
      equal((error.errors[0] as Error).message, "first")
    },
  },
  {
    name: "a target that throws a non-Error rejects join() with that very value",
    run: async () => {
      equal(await rejects(run(new Thread({ target: failWith, args: [42] }))), 42)
      equal(await rejects(run(new Thread({ target: failWith, args: [undefined] }))), undefined)
      deepEqual(await rejects(run(new Thread({ target: failWith, args: [{ plain: "object" }] }))), { plain: "object" })
    },
  },
  {
    name: "a worker that exits rejects with ThreadExitError carrying the exit code",
    run: async (environment) => {
      const error = (await rejects(run(new Thread({ target: exitWith, args: [3] })), {
        instanceOf: ThreadExitError,
        name: "ThreadExitError",
      })) as ThreadExitError
      if (environment.processExit) equal(error.exitCode, 3)
    },
  },
  {
    name: "an error while the worker imports the target's module rejects with ThreadTargetError and the cause",
    run: async () => {
      await rejects(run(new Thread({ target: unreachable })), {
        instanceOf: ThreadTargetError,
        check: (error) => ok(String((error as Error).message).includes("refuses to load"), String((error as Error).message)),
      })
    },
  },

  // --- stopping ---
  {
    name: "terminate() stops a thread spinning in a tight loop; join rejects with ThreadTerminatedError",
    requires: { sharedMemory: true },
    run: async () => {
      const flags = sharedFlags(2)
      const t = new Thread({ target: spinForever, args: [flags] })
      t.start()
      await waitForValue(flags, 0, 1)
      await t.terminate()
      equal(t.isAlive(), false)
      await rejects(t.join(), { instanceOf: ThreadTerminatedError })
    },
  },
  {
    name: "cancel() is seen by a CPU loop polling currentThread().cancelled",
    requires: { sharedMemory: true },
    run: async () => {
      const flags = sharedFlags(1)
      const t = new Thread({ target: spinUntilCancelled, args: [flags] })
      t.start()
      await waitForValue(flags, 0, 1)
      t.cancel("enough")
      equal(await t.join(), "stopped while polling")
      ok(t.signal.aborted, "the caller's view of the signal is aborted too")
    },
  },
  {
    name: "cancel(reason) aborts the thread's own signal with that reason",
    run: async () => {
      const t = new Thread({ target: awaitCancel })
      t.start()
      t.cancel("stop now")
      deepEqual(await t.join(), { reason: "stop now", cancelled: true })
    },
  },
  {
    name: "an AbortSignal passed as `signal` cancels the thread",
    run: async () => {
      const controller = new AbortController()
      const t = new Thread({ target: awaitCancel, signal: controller.signal })
      t.start()
      controller.abort("from outside")
      deepEqual(await t.join(), { reason: "from outside", cancelled: true })
      const early = new Thread({ target: awaitCancel, signal: AbortSignal.abort("already") })
      deepEqual(await run(early), { reason: "already", cancelled: true })
    },
  },
  {
    name: "join({ timeout }) rejects with TimeoutError while the thread runs on",
    requires: { sharedMemory: true },
    run: async () => {
      const flags = sharedFlags(2)
      const t = new Thread({ target: blockUntilReleased, args: [flags] })
      t.start()
      await waitForValue(flags, 1, 1)
      await rejects(t.join({ timeout: 20 }), { instanceOf: TimeoutError })
      equal(t.isAlive(), true)
      signal(flags, 0, 1)
      equal(await t.join({ timeout: 60_000 }), "released")
    },
  },

  // --- excepthook ---
  {
    name: "the excepthook gets a failure nobody joined; a later join() rejects with the same error",
    run: async () => {
      await withExcepthook(async (calls, next) => {
        const t = new Thread({ target: failWith, args: [new RangeError("unjoined")], name: "lonely" })
        const hooked = next()
        t.start()
        const { error, thread } = await hooked
        equal(thread, t)
        ok(error instanceof RangeError, "the hook sees the rebuilt error")
        equal(await rejects(t.join()), error)
        equal(calls.length, 1)
      })
    },
  },
  {
    name: "the excepthook is not called for a joined thread nor for terminate()",
    requires: { sharedMemory: true },
    run: async () => {
      await withExcepthook(async (calls) => {
        await rejects(run(new Thread({ target: failWith, args: [new Error("joined")] })))
        const flags = sharedFlags(2)
        const spinner = new Thread({ target: spinForever, args: [flags] })
        spinner.start()
        await waitForValue(flags, 0, 1)
        await spinner.terminate()
        await rejects(spinner.join(), { instanceOf: ThreadTerminatedError })
        equal(calls.length, 0)
      })
    },
  },
  {
    name: "setExcepthook returns the previous hook",
    run: () => {
      const mine = () => {}
      const previous = setExcepthook(mine)
      equal(setExcepthook(previous), mine)
    },
  },

  // --- Timer ---
  {
    name: "Timer runs its target after the delay",
    run: async () => {
      const timer = new Timer(5, add, [40, 2])
      timer.start()
      equal(timer.isAlive(), true)
      equal(await timer.join(), 42)
    },
  },
  {
    name: "Timer.cancel() before it fires prevents the run; join() resolves undefined",
    run: async () => {
      await withExcepthook(async (calls) => {
        const timer = new Timer(60_000, failWith, [new Error("must not run")])
        timer.start()
        equal(timer.isAlive(), true)
        timer.cancel()
        equal(await timer.join(), undefined)
        equal(timer.isAlive(), false)
        equal(timer.fired, false)
        equal(calls.length, 0)
      })
    },
  },
])
