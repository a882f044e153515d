// Thread's types as a user sees them (the built @weft/node): every @ts-expect-error must be an
// error, every expectTypeOf must hold, or tsc fails the case.
import { describe, expectTypeOf, test } from "vitest"
import { Thread, Timer, currentThread, threadable, type ThreadResult } from "@weft/node"

function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2)
}
async function greet(name: string, times = 1): Promise<string> {
  return `hi ${name}`.repeat(times)
}
class Counter {
  count = 0
  label = "counter"
  add(by: number): { count: number } {
    this.count += by
    return { count: this.count }
  }
  async reset(): Promise<void> {
    this.count = 0
  }
}
threadable(import.meta.url, fib)
threadable(import.meta.url, Counter)

describe("function target", () => {
  test("args are typed from the target's parameters", () => {
    new Thread({ target: fib, args: [30] })
    // @ts-expect-error a string where fib takes a number
    new Thread({ target: fib, args: ["x"] })
    // @ts-expect-error too many arguments
    new Thread({ target: fib, args: [1, 2] })
    // @ts-expect-error too few arguments
    new Thread({ target: fib, args: [] })
  })

  test("args may be left out only when the target needs none", () => {
    new Thread({ target: () => 1 })
    new Thread({ target: (n?: number) => n })
    // @ts-expect-error fib needs its argument
    new Thread({ target: fib })
  })

  test("optional parameters may be left out", () => {
    new Thread({ target: greet, args: ["ada"] })
    new Thread({ target: greet, args: ["ada", 2] })
    // @ts-expect-error times is a number
    new Thread({ target: greet, args: ["ada", "2"] })
  })

  test("join() resolves with the target's awaited result", () => {
    expectTypeOf(new Thread({ target: fib, args: [3] }).join()).toEqualTypeOf<Promise<number>>()
    expectTypeOf(new Thread({ target: greet, args: ["ada"] }).join()).toEqualTypeOf<Promise<string>>()
    expectTypeOf(new Thread({ target: () => 1 }).join()).toEqualTypeOf<Promise<number>>()
    expectTypeOf(new Thread({ target: fib, args: [3] })).toEqualTypeOf<Thread<number>>()
  })

  test("a method name is not accepted with a function target", () => {
    // @ts-expect-error method belongs to object targets
    new Thread({ target: fib, args: [1], method: "call" })
  })
})

describe("object target with a method", () => {
  test("method must name one of the object's methods", () => {
    new Thread({ target: new Counter(), method: "add", args: [1] })
    new Thread({ target: new Counter(), method: "reset" })
    // @ts-expect-error no such method
    new Thread({ target: new Counter(), method: "nope" })
    // @ts-expect-error label is a field, not a method
    new Thread({ target: new Counter(), method: "label" })
  })

  test("args are typed from that method's parameters", () => {
    // @ts-expect-error add takes a number
    new Thread({ target: new Counter(), method: "add", args: ["1"] })
    // @ts-expect-error reset takes no arguments
    new Thread({ target: new Counter(), method: "reset", args: [1] })
    // @ts-expect-error add needs its argument
    new Thread({ target: new Counter(), method: "add" })
  })

  test("join() resolves with the method's awaited result", () => {
    expectTypeOf(new Thread({ target: new Counter(), method: "add", args: [1] }).join()).toEqualTypeOf<Promise<{ count: number }>>()
    expectTypeOf(new Thread({ target: new Counter(), method: "reset" }).join()).toEqualTypeOf<Promise<void>>()
  })
})

describe("subclasses", () => {
  class Fib extends Thread {
    constructor(readonly n: number) {
      super({ name: `fib(${n})` })
    }
    override run(): number {
      return fib(this.n)
    }
  }
  class AsyncFib extends Thread {
    override async run(): Promise<number> {
      return fib(10)
    }
  }
  class Declared extends Thread<string> {
    override run(): string {
      return "declared"
    }
  }
  class Generic<T> extends Thread<T> {
    constructor(readonly value: T) {
      super()
    }
    override run(): T {
      return this.value
    }
  }

  test("extends Thread (no type argument): join() follows run()", () => {
    expectTypeOf(new Fib(10).join()).toEqualTypeOf<Promise<number>>()
    expectTypeOf(new AsyncFib().join()).toEqualTypeOf<Promise<number>>()
    expectTypeOf<ThreadResult<Fib>>().toEqualTypeOf<number>()
  })

  test("extends Thread<T> still types join() as T", () => {
    expectTypeOf(new Declared().join()).toEqualTypeOf<Promise<string>>()
    expectTypeOf(new Generic(1n).join()).toEqualTypeOf<Promise<bigint>>()
  })

  test("run() must return what Thread<T> declares", () => {
    class Wrong extends Thread<string> {
      // @ts-expect-error a number where Thread<string> promises a string
      override run(): number {
        return 1
      }
    }
    void Wrong
  })

  test("a subclass passes no target to super()", () => {
    class Confused extends Thread {
      constructor() {
        // @ts-expect-error a subclass runs run(); a target belongs to new Thread({ target })
        super({ target: fib, args: [1] })
      }
    }
    void Confused
  })

  test("a subclass is a Thread", () => {
    expectTypeOf(new Fib(1)).toMatchTypeOf<Thread>()
    expectTypeOf(new Fib(1)).toMatchTypeOf<Thread<number>>()
    expectTypeOf(new Fib(1) instanceof Thread).toEqualTypeOf<boolean>()
  })
})

describe("kept from before", () => {
  test("an explicit result type still compiles, with or without a target", () => {
    expectTypeOf(new Thread<number>({ target: fib, args: [1] }).join()).toEqualTypeOf<Promise<number>>()
    expectTypeOf(new Thread<{ count: number }>({ target: new Counter(), method: "add", args: [3] }).join()).toEqualTypeOf<
      Promise<{ count: number }>
    >()
    expectTypeOf(new Thread().join()).toEqualTypeOf<Promise<unknown>>()
    expectTypeOf(new Thread({ name: "idle", daemon: true })).toEqualTypeOf<Thread<unknown>>()
  })

  test("an explicit result type must match the target's", () => {
    // @ts-expect-error fib returns a number
    new Thread<string>({ target: fib, args: [1] })
  })

  test("runtime options, Timer and currentThread()", () => {
    new Thread({ target: fib, args: [1], node: { resourceLimits: { maxOldGenerationSizeMb: 64 } } })
    expectTypeOf(new Timer(10, fib, [1]).join()).toEqualTypeOf<Promise<number>>()
    expectTypeOf(currentThread()).toEqualTypeOf<Thread>()
    const narrowed: unknown = currentThread()
    if (narrowed instanceof Thread) expectTypeOf(narrowed).toEqualTypeOf<Thread>()
  })
})
