// Cases every Executor passes (ThreadPool, @weft/bullmq's ClusterPool): futures, asCompleted,
// wait, map order, errors. Written once; a runner passes a fixture that makes the executor.
import { ALL_COMPLETED, asCompleted, FIRST_COMPLETED, FIRST_EXCEPTION, TimeoutError, wait, type Executor, type Future } from "@weft/core"
import { deepEqual, equal, ok, rejects } from "../assert.js"
import { group, type Group } from "../harness.js"
import { awaitGate, doubleOrFail, type GateHandle } from "../tasks/executor-tasks.js"
import { failCoded, square } from "../tasks/pool-tasks.js"
import { CodedError } from "../tasks/thread-tasks.js"

export interface Gate {
  /** Passed to the `awaitGate` task. */
  readonly handle: GateHandle
  /** Lets every task waiting at the gate go on. */
  open(): Promise<void> | void
}

export interface ExecutorFixture {
  readonly name: string
  create(): Executor | Promise<Executor>
  gate(): Gate | Promise<Gate>
}

async function withExecutor(fixture: ExecutorFixture, body: (executor: Executor) => Promise<void>): Promise<void> {
  const executor = await fixture.create()
  try {
    await body(executor)
  } finally {
    await executor.shutdown({ wait: true, cancelFutures: true })
  }
}

export function executorCases(fixture: ExecutorFixture): Group {
  return group(`Executor: ${fixture.name}`, [
    {
      name: "submit and run: results come back through Futures that are thenables",
      run: () =>
        withExecutor(fixture, async (executor) => {
          equal(await executor.submit(square, 7), 49)
          const future = executor.run(square, { args: [9] })
          equal(await future.result(), 81)
          ok(future.done() && !future.cancelled() && !future.running())
          equal(await future.exception(), null)
        }),
    },
    {
      name: "errors cross with class, code, own fields, cause chain and the submit() site",
      run: () =>
        withExecutor(fixture, async (executor) => {
          const error = (await rejects(executor.submit(failCoded, "bad input"), {
            instanceOf: CodedError,
            name: "CodedError",
            message: "bad input",
          })) as CodedError
          equal(error.code, "E_CODED")
          deepEqual(error.detail, { retry: false })
          ok(/submitted at/.test(error.stack ?? ""), "the stack names the submit() site")
          const failed = executor.submit(doubleOrFail, -1)
          const reason = (await failed.exception()) as Error
          ok(reason instanceof RangeError, "a built-in error class is kept")
          equal(reason.message, "negative: -1")
        }),
    },
    {
      name: "asCompleted yields futures as they finish (a gated one last), each once",
      run: () =>
        withExecutor(fixture, async (executor) => {
          const gate = await fixture.gate()
          const slow = executor.submit(awaitGate, gate.handle, "slow")
          const fast = executor.submit(square, 3)
          const seen: Future<unknown>[] = []
          for await (const done of asCompleted([slow, fast, fast] as Future<unknown>[])) {
            seen.push(done as Future<unknown>)
            if (seen.length === 1) await gate.open()
          }
          equal(seen.length, 2)
          equal(seen[0], fast)
          equal(seen[1], slow)
          equal(await slow, "slow")
        }),
    },
    {
      name: "asCompleted({ timeout }) throws TimeoutError while a future is unfinished",
      run: () =>
        withExecutor(fixture, async (executor) => {
          const gate = await fixture.gate()
          const slow = executor.submit(awaitGate, gate.handle, 1)
          try {
            await rejects(
              async () => {
                for await (const _ of asCompleted([slow], { timeout: 50 })) void _
              },
              { instanceOf: TimeoutError },
            )
          } finally {
            await gate.open()
          }
          equal(await slow, 1)
        }),
    },
    {
      name: "wait() honours FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED and timeout",
      run: () =>
        withExecutor(fixture, async (executor) => {
          const gate = await fixture.gate()
          const slow = executor.submit(awaitGate, gate.handle, "late")
          const fast = executor.submit(square, 4)
          const first = await wait([slow, fast], { returnWhen: FIRST_COMPLETED })
          ok(first.done.has(fast) && first.notDone.has(slow), "FIRST_COMPLETED: the fast one is done, the gated one not")
          const failing = executor.submit(doubleOrFail, -2)
          const exception = await wait([slow, failing], { returnWhen: FIRST_EXCEPTION })
          ok(exception.done.has(failing) && exception.notDone.has(slow), "FIRST_EXCEPTION returns at the failure")
          const timedOut = await wait([slow], { timeout: 30 })
          ok(timedOut.notDone.has(slow), "timeout returns with the gated future not done")
          await gate.open()
          const all = await wait([slow, fast, failing], { returnWhen: ALL_COMPLETED })
          equal(all.done.size, 3)
          equal(all.notDone.size, 0)
        }),
    },
    {
      name: "map yields results in input order (the first item finishing last), with and without chunksize",
      run: () =>
        withExecutor(fixture, async (executor) => {
          const gate = await fixture.gate()
          const items = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
          const results: number[] = []
          const first = executor.submit(awaitGate, gate.handle, 0)
          const rest = executor.map(square, items.slice(1))
          // The rest all finish while `first` waits; map still yields them in their order.
          for await (const value of rest) results.push(value)
          await gate.open()
          results.unshift((await first) as number)
          deepEqual(
            results,
            items.map((n) => n * n),
          )
          const chunked: number[] = []
          for await (const value of executor.map(doubleOrFail, items, { chunksize: 3 })) chunked.push(value)
          deepEqual(
            chunked,
            items.map((n) => 2 * n),
          )
          await rejects(
            async () => {
              for await (const _ of executor.map(doubleOrFail, [1, 2, -3, 4])) void _
            },
            { name: "RangeError", message: "negative: -3" },
          )
        }),
    },
    {
      name: "shutdown(): pending work finishes, then new tasks are refused; asyncDispose shuts down",
      run: async () => {
        const executor = await fixture.create()
        const pending = executor.submit(square, 5)
        await executor.shutdown({ wait: true })
        equal(await pending, 25)
        let refused = false
        try {
          executor.submit(square, 1)
        } catch (error) {
          refused = (error as Error).name === "RuntimeError"
        }
        ok(refused, "submit after shutdown throws RuntimeError")
        const disposable = await fixture.create()
        const late = disposable.submit(square, 6)
        await disposable[Symbol.asyncDispose]()
        equal(await late, 36)
      },
    },
  ])
}
