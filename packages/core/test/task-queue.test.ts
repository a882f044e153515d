import { describe, expect, test } from "vitest"
import { TaskQueue, type Queueable } from "../src/pool/task-queue.js"

interface Item extends Queueable {
  readonly n: number
}
const item = (n: number): Item => ({ n, withdrawn: false, queued: false })
const numbers = (items: Item[]) => items.map((i) => i.n)

describe("TaskQueue", () => {
  test("first in, first out, across growth", () => {
    const q = new TaskQueue<Item>()
    for (let i = 0; i < 1000; i++) q.push(item(i))
    expect(q.size).toBe(1000)
    const out: number[] = []
    for (let t = q.shift(); t !== undefined; t = q.shift()) out.push(t.n)
    expect(out).toEqual(Array.from({ length: 1000 }, (_, i) => i))
    expect(q.size).toBe(0)
  })

  test("unshiftAll puts tasks back in front, in their order", () => {
    const q = new TaskQueue<Item>()
    q.push(item(3))
    q.unshiftAll([item(1), item(2)])
    expect(numbers(q.drain())).toEqual([1, 2, 3])
  })

  test("a withdrawn task stays in place but is skipped and not counted", () => {
    const q = new TaskQueue<Item>()
    const items = [item(0), item(1), item(2)]
    for (const i of items) q.push(i)
    q.withdraw(items[1]!)
    q.withdraw(items[1]!)
    expect(q.size).toBe(2)
    expect(numbers(q.drain())).toEqual([0, 2])
    expect(items.every((i) => !i.queued)).toBe(true)
  })

  test("withdrawing the last waiting task releases the queue's hold on the withdrawn ones", () => {
    const q = new TaskQueue<Item>()
    const a = item(0)
    const b = item(1)
    q.push(a)
    q.push(b)
    q.withdraw(a)
    q.withdraw(b)
    expect(q.size).toBe(0)
    expect(a.queued || b.queued).toBe(false)
    expect(q.shift()).toBeUndefined()
    q.push(item(7))
    expect(numbers(q.drain())).toEqual([7])
  })

  test("withdrawing a task that already left the queue only marks it", () => {
    const q = new TaskQueue<Item>()
    const a = item(0)
    q.push(a)
    q.push(item(1))
    expect(q.shift()).toBe(a)
    q.withdraw(a)
    expect(a.withdrawn).toBe(true)
    expect(q.size).toBe(1)
  })
})
