// The public type of `Thread`'s constructor. A class constructor cannot have type parameters of
// its own, so the exported `Thread` is the class seen through these overloads: they type `args`
// from the target's parameters, `method` from the object's method names, and the result from what
// runs. Every overload but the last takes two or more type parameters, so `extends Thread` and
// `extends Thread<T>` resolve to the last one alone (TypeScript requires one return type there).
import { Thread as ThreadClass, type ThreadOptions } from "./thread.js"

type AnyFunction = (...args: never[]) => unknown
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never
type ResultOf<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never

/** The names of `O`'s methods: the values `method` accepts for an object target. */
export type MethodName<O> = { [K in keyof O]-?: O[K] extends AnyFunction ? K : never }[keyof O] & string

/** Options that do not say what runs: a name, daemon flag, signal and runtime-specific keys. */
export type ThreadBaseOptions = Omit<ThreadOptions, "target" | "method" | "args">

/** `args`, required when what runs has required parameters, as `ThreadPool.submit()` requires them. */
type ArgsOption<A extends readonly unknown[]> = [] extends A
  ? {
      /** The arguments it is called with; each is copied into the thread. */
      readonly args?: A
    }
  : {
      /** The arguments it is called with; each is copied into the thread. */
      readonly args: A
    }

/** `new Thread({ target: fn, args })`: `args` must match `fn`'s parameters; `join()` gives its result. */
export type FunctionThreadOptions<A extends readonly unknown[], R> = ThreadBaseOptions & {
  /** The function to run: a registered one, or an inline one that closes over nothing. */
  readonly target: (...args: A) => R | PromiseLike<R>
  /** Only with an object target. */
  readonly method?: undefined
} & ArgsOption<NoInfer<A>>

/** `new Thread({ target: obj, method: "name", args })`: the method runs on the thread's copy of `obj`. */
export type MethodThreadOptions<O extends object, M extends MethodName<O>> = ThreadBaseOptions & {
  /** An instance of a registered class; its fields are copied into the thread and written back. */
  readonly target: O
  /** The name of one of `target`'s methods. */
  readonly method: M
} & ArgsOption<ArgsOf<O[M]>>

/** `new Thread<R>(options)`: the target must return `R`; its `args` are not checked. */
type ExplicitResultOptions<R> = ThreadBaseOptions &
  (
    | { readonly target: (...args: never[]) => R | PromiseLike<R>; readonly method?: undefined; readonly args?: readonly unknown[] }
    | { readonly target: object; readonly method: string; readonly args?: readonly unknown[] }
    | { readonly target?: undefined; readonly method?: undefined; readonly args?: undefined }
  )

/**
 * The constructor of {@link Thread}. Each overload returns a `Thread<R>` whose `join()` resolves
 * with what the target returns (awaited).
 */
export interface ThreadConstructor {
  /** A function target: `args` typed from its parameters, the result from its return type. */
  new <A extends readonly unknown[], R>(options: FunctionThreadOptions<A, R>): ThreadClass<R>
  /** An object target: `method` must name one of its methods, `args` match that method. */
  new <O extends object, M extends MethodName<O>>(options: MethodThreadOptions<O, M>): ThreadClass<ResultOf<O[M]>>
  /**
   * No target (a subclass overrides `run()`), or a result type given explicitly
   * (`new Thread<number>({ target, args })`, where `args` are not checked against the target).
   */
  new <R = unknown>(options?: unknown extends R ? ThreadBaseOptions : ExplicitResultOptions<NoInfer<R>>): ThreadClass<R>
  /** `Thread.prototype`, for `instanceof`. */
  readonly prototype: ThreadClass
}

/**
 * A thread of execution in a worker of the current runtime, in the style of Python's
 * `threading.Thread`: give it a `target` (and `args`), or subclass it and override `run()`.
 * A subclass needs no type argument: `class Fib extends Thread { run() { return 1 } }` joins as
 * `Promise<number>`, since `join()` follows `run()`.
 * @class
 */
export const Thread: ThreadConstructor = ThreadClass as unknown as ThreadConstructor
/** A thread whose `join()` resolves with `R`. */
export type Thread<R = unknown> = ThreadClass<R>
