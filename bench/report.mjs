// Small shared helpers for the benchmarks: medians, a table of ratios, and the results hook that
// lets scripts/bench.mjs gather every ratio into one summary table (see RESULT_PREFIX).

// Works under Node and Deno (deno.bench.ts imports this file; Deno has `process` too).
const env = (name) => globalThis.process?.env?.[name]

/** `WEFT_BENCH_SMOKE=1`: tiny sizes, one round; proves the bench runs, measures nothing. */
export const smoke = env("WEFT_BENCH_SMOKE") === "1"

/** A count or a number of rounds: `full` normally, `tiny` in smoke mode. */
export function size(full, tiny) {
  return smoke ? tiny : full
}

/** Each recorded ratio is also one stdout line with this prefix when `WEFT_BENCH_REPORT=1`. */
export const RESULT_PREFIX = "@@weft-bench "

export function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

export function us(ms) {
  return `${(ms * 1000).toFixed(0)} µs`
}

/**
 * The goal a target text states, if it starts with one: "≤ 1.1×", "<= 1.1x", "≥ 0.8× raw", "weft ≥ 0.95".
 * Returns `{ max }`, `{ min }` or undefined (an informational row).
 */
export function parseGoal(target) {
  const match = /^\s*(?:weft\s+)?(≤|<=|≥|>=)\s*([0-9]*\.?[0-9]+)/.exec(target ?? "")
  if (!match) return undefined
  const value = Number(match[2])
  return match[1] === "≤" || match[1] === "<=" ? { max: value } : { min: value }
}

/** Whether a ratio meets its goal: true, false, or undefined when there is no goal. */
export function meets(ratio, goal) {
  if (!goal || !Number.isFinite(ratio)) return undefined
  if (goal.max !== undefined && ratio > goal.max) return false
  if (goal.min !== undefined && ratio < goal.min) return false
  return true
}

/**
 * Records one ratio for the summary of `npm run bench`. Call it for each ratio a custom table
 * prints; printTable calls it for every row.
 * entry: { table, name, ratio, target?, goal?, source? }
 */
export function record(entry) {
  if (env("WEFT_BENCH_REPORT") !== "1") return
  const goal = entry.goal ?? parseGoal(entry.target)
  const line = { table: entry.table, name: entry.name, ratio: entry.ratio, target: entry.target ?? "", goal, source: entry.source, smoke }
  console.log(RESULT_PREFIX + JSON.stringify(line))
}

/** rows: [{ name, weft, baseline, format, target, goal?, source? }]; ratio = weft / baseline. */
export function printTable(title, rows) {
  console.log(`\n${title}`)
  const lines = rows.map((r) => {
    const ratio = r.weft / r.baseline
    return [r.name, r.format(r.weft), r.format(r.baseline), `${ratio.toFixed(2)}×`, r.target ?? ""]
  })
  printColumns(["measure", "weft", "baseline", "ratio", "target"], lines)
  for (const r of rows) record({ table: title, name: r.name, ratio: r.weft / r.baseline, target: r.target, goal: r.goal, source: r.source })
}

/** Prints rows of cells as aligned columns under a header and a rule. */
export function printColumns(header, lines) {
  const widths = header.map((h, i) => Math.max(String(h).length, ...lines.map((l) => String(l[i]).length)))
  const fmt = (cells) =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]))
      .join("  ")
      .trimEnd()
  console.log(fmt(header))
  console.log(widths.map((w) => "-".repeat(w)).join("  "))
  for (const line of lines) console.log(fmt(line))
}
