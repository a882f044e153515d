import { threadable, Thread, currentThread } from "@weft/node"
export const fib = threadable(import.meta.url, function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) })
export class Counter { constructor(n) { this.n = n } add(k) { this.n += k; return this.n } }
threadable(import.meta.url, Counter)
export class Worker1 extends Thread { constructor(x) { super({ name: "w1" }); this.x = x } run() { this.x *= 2; return [this.name, this.ident, currentThread() === this] } }
threadable(import.meta.url, Worker1)
export class Boom extends Error { constructor(m) { super(m); this.code = "E_BOOM" } }
threadable(import.meta.url, Boom)
export const boom = threadable(import.meta.url, function boom() { throw new Boom("bad", ) })
