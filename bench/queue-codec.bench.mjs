// Does the Queue need msgpackr's optional native add-on (msgpackr-extract)? The same Queue run
// in two child processes, one with the add-on allowed and one with it turned off
// (MSGPACKR_NATIVE_ACCELERATION_DISABLED), plus the bare codec's decode rate both ways.
// Prints ratios, asserts nothing.
import { spawnSync } from "node:child_process"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"
import { printTable, size } from "./report.mjs"

const ITEMS = size(100_000, 1_000)
const shapes = {
  small: (i) => ({ n: i }),
  record: (i) => ({
    n: i,
    id: `order-${i}`,
    customer: "Ada Lovelace",
    note: "deliver to the back door, ring twice",
    tags: ["paid", "express"],
  }),
}

// The copy the Queue's synchronous path loads: core's msgpackr, through require().
function msgpackr() {
  const core = createRequire(fileURLToPath(import.meta.resolve("@weft/node"))).resolve("@weft/core")
  return createRequire(core)("msgpackr")
}

async function child() {
  const { Queue, Thread } = await import("@weft/node")
  const { drain } = await import("./primitive-tasks.mjs")
  const result = {}
  for (const [shape, make] of Object.entries(shapes)) {
    let best = 0
    for (let round = 0; round < size(2, 1); round++) {
      const q = new Queue({ maxsize: 1024 })
      q.putSync(make(0)) // loads the codec the way an app's first put does
      const t = new Thread({ target: drain, args: [q, ITEMS + 1] })
      t.start()
      while (!q.empty()) await new Promise((resolve) => setTimeout(resolve, 1))
      const t0 = performance.now()
      for (let i = 1; i <= ITEMS; i++) q.putSync(make(i))
      await t.join()
      best = Math.max(best, ITEMS / ((performance.now() - t0) / 1000))
    }
    result[`queue ${shape}`] = best
    // The codec alone, as configured by the Queue (decode is where the add-on helps).
    const { Packr } = msgpackr()
    const packr = new Packr({ structuredClone: true, mapsAsObjects: false, moreTypes: true, useRecords: true })
    const packed = Array.from({ length: size(20_000, 500) }, (_, i) => packr.pack(make(i)))
    let decodeBest = 0
    for (let round = 0; round < size(5, 1); round++) {
      const t0 = performance.now()
      for (const bytes of packed) packr.unpack(bytes)
      decodeBest = Math.max(decodeBest, packed.length / ((performance.now() - t0) / 1000))
    }
    result[`decode ${shape}`] = decodeBest
  }
  result.native = msgpackr().isNativeAccelerationEnabled
  console.log(JSON.stringify(result))
}

function run(native) {
  const env = { ...process.env, MSGPACKR_NATIVE_ACCELERATION_DISABLED: native ? "false" : "true" }
  const out = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child"], { env, encoding: "utf8" })
  if (out.status !== 0) throw new Error(out.stderr)
  return JSON.parse(out.stdout.trim().split("\n").at(-1))
}

if (process.argv.includes("--child")) {
  await child()
} else {
  // Alternate the two children a few times and keep each one's best: the machine's load drifts.
  const withAddOn = {}
  const without = {}
  const keep = (into, result) => {
    for (const [key, value] of Object.entries(result)) into[key] = typeof value === "number" ? Math.max(into[key] ?? 0, value) : value
  }
  for (let i = 0; i < size(4, 1); i++) {
    keep(withAddOn, run(true))
    keep(without, run(false))
  }
  if (!withAddOn.native) console.log("msgpackr-extract did not load here: both columns ran without it")
  const perSec = (v) => `${Math.round(v).toLocaleString("en")}/s`
  const rows = Object.keys(without)
    .filter((key) => key !== "native")
    .map((key) => ({ name: key, weft: withAddOn[key], baseline: without[key], format: perSec, target: "with add-on / without" }))
  printTable("Queue with msgpackr-extract (weft column) vs without (baseline column)", rows)
}
