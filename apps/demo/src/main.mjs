// weft in three styles, the way Python's threading module has them.
import { Thread } from "@weft/node"
import { fib, PrimeCounter, Tally } from "./tasks.mjs"

const t0 = performance.now()

// 1. functional: Thread(target=fib, args=(30,))
const functional = new Thread({ target: fib, args: [30], name: "fib" })

// 2. a method of a plain object: Thread(target=tally.sum_to, args=(1000,))
const tally = new Tally("gauss")
const instance = new Thread({ target: tally, method: "sumTo", args: [1_000] })

// 3. a subclass that overrides run()
const subclass = new PrimeCounter(5_000_000)

for (const t of [functional, instance, subclass]) t.start()
console.log(`fib(30)          = ${await functional.join()}   [thread ${functional.name}, ident ${functional.ident}]`)
console.log(`tally.sumTo(1e3) = ${await instance.join()}   (tally.total written back: ${tally.total})`)
console.log(`primes           : ${await subclass.join()}   (subclass.found written back: ${subclass.found})`)
console.log(`three threads in ${(performance.now() - t0).toFixed(0)} ms`)
