// The types a generator target gives its stream: what it yields, and what it returns (join()'s
// value, a stream's final `{ done: true, value }`). A function that is not a generator yields never.

/** What a generator (or async generator) yields; `never` for any other result. */
export type YieldOf<R> = R extends Generator<infer Y, unknown, never> ? Y : R extends AsyncGenerator<infer Y, unknown, never> ? Y : never

/** What a target's run ends with: a generator's return value, else its awaited result. */
export type FinalOf<R> =
  R extends Generator<unknown, infer F, never> ? F : R extends AsyncGenerator<unknown, infer F, never> ? F : Awaited<R>

type Streaming<Y, F> = Generator<Y, F, never> | AsyncGenerator<Y, F, never>

/** A thread whose `run()` (its target, or a subclass's own) is a generator yielding `Y` and returning `F`. */
export interface GeneratorRun<Y, F> {
  run(): Streaming<Y, F> | PromiseLike<Streaming<Y, F>>
}

/** What `thread.values()` returns: the values, then the generator's return value (undefined once stopped early). */
export type ThreadValues<Y, F> = AsyncIterableIterator<Y, F | undefined, undefined>
