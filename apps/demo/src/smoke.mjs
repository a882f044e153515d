import { Thread, ThreadTargetError } from "@weft/node"
import { fib, Counter, Worker1, boom, Boom } from "./smoke-tasks.mjs"
let t = new Thread({ target: fib, args: [20] }); t.start(); console.log("fib", await t.join(), t.ident)
const c = new Counter(5); t = new Thread({ target: c, method: "add", args: [3] }); t.start(); console.log("counter", await t.join(), c.n)
const w = new Worker1(21); w.start(); console.log("sub", await w.join(), w.x, w.ident)
t = new Thread({ target: (a, b) => a + b, args: [1, 2] }); t.start(); console.log("inline", await t.join())
const y = 5; t = new Thread({ target: (a) => a + y, args: [1] }); t.start(); try { await t.join() } catch (e) { console.log("capture", e instanceof ThreadTargetError, e.message) }
t = new Thread({ target: boom }); t.start(); try { await t.join() } catch (e) { console.log("boom", e instanceof Boom, e.code, e.stack) }
t = new Thread({ target: () => { throw 42 } }); t.start(); try { await t.join() } catch (e) { console.log("42", e) }
t = new Thread({ target: () => process.exit(3) }); t.start(); try { await t.join() } catch (e) { console.log("exit", e.name, e.exitCode) }
try { new Thread({ target: (a,b)=>0, args: [1, () => 1] }).start() } catch (e) { console.log("args", e.message) }
