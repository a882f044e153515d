import { threadable, currentThread } from "@weft/node"
export const exitAt = threadable(import.meta.url, function exitAt(i, k) { if (i === k) process.exit(3); return i })
export const spin = threadable(import.meta.url, function spin(ms) { const end = Date.now() + ms; while (Date.now() < end) {} return ms })
export const echo = threadable(import.meta.url, function echo(x) { return x })
export const throwGetter = threadable(import.meta.url, function throwGetter() {
  const e = new Error("x"); Object.defineProperty(e, "code", { enumerable: true, get() { throw new Error("nope") } }); throw e })
export const throwRevoked = threadable(import.meta.url, function throwRevoked() { const p = Proxy.revocable({}, {}); p.revoke(); throw p.proxy })
export const tid = threadable(import.meta.url, async function tid() { return (await import("node:worker_threads")).threadId })
export const badCtor = threadable(import.meta.url, function badCtor() { throw Object.defineProperty(new Error("x"), "constructor", { value: Object.prototype.toString }) })
