// The targets the project has set for its ratios (issues #16, #17, #19 and DESIGN.md's
// "Performance stance"), in one place. scripts/bench.mjs applies them to the rows the benches
// record (a row's own target is used where none is listed here) and lists a target no row
// matched as "not measured", so a renamed or missing measure shows up too.
//   bench: the bench file; name: a pattern on the row's measure name; goal: on the ratio.

export const targets = [
  // #16 (performance, wave 2) and DESIGN.md: the pool against the physical limit and its peers.
  { bench: "pool.bench.mjs", name: /^no-op round trip/, goal: { max: 1.05 }, target: "≤ 1.05× raw echo", source: "#16" },
  { bench: "pool.bench.mjs", name: /no-op tasks at once/, goal: { min: 0.8 }, target: "≥ 0.8× raw pool", source: "DESIGN" },
  { bench: "pool.bench.mjs", name: /CPU tasks, efficiency vs ideal/, goal: { min: 0.95 }, target: "≥ 0.95 of ideal 2×", source: "DESIGN" },
  {
    bench: "pool.bench.mjs",
    name: /CPU tasks, efficiency vs the hardware/,
    goal: { min: 0.97 },
    target: "≥ 0.97 of the hardware's 2-thread scaling",
    source: "#16",
  },
  { bench: "pool.bench.mjs", name: /^create pool/, goal: { max: 1 }, target: "≤ 1× piscina", source: "#16" },
  { bench: "pool.bench.mjs", name: /^RSS with 2 idle workers$/, goal: { max: 1 }, target: "≤ 1× piscina", source: "#16" },
  { bench: "pool.bench.mjs", name: /^RSS with 2 idle workers after \d+ tasks/, goal: { max: 1 }, target: "≤ 1× piscina", source: "#16" },
  { bench: "thread.bench.mjs", name: /^start → first run \(cold/, goal: { max: 1 }, target: "≤ 1.0× raw", source: "#16" },
  { bench: "web.bench.mjs", name: /^pool task, one at a time/, goal: { max: 1.1 }, target: "≤ 1.1× raw round trip", source: "#16" },
  { bench: "deno.bench.mjs", name: /^ThreadPool\.submit vs raw postMessage/, goal: { min: 1 }, target: "≥ 1.0× raw", source: "#16" },
  { bench: "deno.bench.mjs", name: /^Thread start→join \(fresh worker\)/, goal: { max: 1.2 }, target: "≤ 1.2× raw", source: "#16" },
  {
    bench: "primitives.bench.mjs",
    name: /^lock hand-off round trip/,
    goal: { max: 1.2 },
    target: "≤ 1.2× wait/notify ping-pong",
    source: "DESIGN",
  },
  // #16: how cost grows (bench/growth-*.bench.mjs); a flat curve is O(1) per task.
  { bench: "growth-pool.bench.mjs", name: /^weft: workers curve/, goal: { max: 1.5 }, target: "≤ 1.5× (flat)", source: "#16" },
  { bench: "growth-pool.bench.mjs", name: /^weft: queue curve/, goal: { max: 1.5 }, target: "≤ 1.5× (flat)", source: "#16" },
  { bench: "growth-pool.bench.mjs", name: /^weft: abort curve/, goal: { max: 1.5 }, target: "≤ 1.5× (flat: O(1) cancel)", source: "#16" },
  { bench: "growth-pool.bench.mjs", name: /^weft: cancel curve/, goal: { max: 1.5 }, target: "≤ 1.5× (flat: O(1) cancel)", source: "#16" },
  {
    bench: "growth-primitives.bench.mjs",
    name: /^Lock: weft vs raw futex at/,
    goal: { max: 1.2 },
    target: "≤ 1.2× raw futex",
    source: "#16",
  },
  // #17 (streaming): one worker streaming small values, and one value at a time.
  {
    bench: "stream.bench.mjs",
    name: /^values\/s, default highWaterMark/,
    goal: { min: 0.8 },
    target: "≥ 0.8× raw credit window",
    source: "#17",
  },
  { bench: "stream.bench.mjs", name: /^first value after start/, goal: { max: 1.1 }, target: "≤ 1.1× raw round trip", source: "#17" },
  { bench: "stream.bench.mjs", name: /^per value, slow consumer/, goal: { max: 1.1 }, target: "≤ 1.1× raw round trip", source: "#17" },
  // #19 (cluster): ClusterPool against bare BullMQ on the same Redis.
  { bench: "cluster.bench.mjs", name: /^throughput/, goal: { min: 0.9 }, target: "≥ 0.9× bare BullMQ", source: "#19" },
  { bench: "cluster.bench.mjs", name: /^round-trip latency/, goal: { max: 1.1 }, target: "≤ 1.1× bare BullMQ", source: "#19" },
]
