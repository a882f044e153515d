// The same tasks for piscina and tinypool, which call a module's default export with the task.
const tasks = {
  noop: (x) => x,
  spin: (ms) => {
    const end = performance.now() + ms
    let n = 0
    while (performance.now() < end) n++
    return n
  },
}

export default function run({ fn, arg }) {
  return tasks[fn](arg)
}
