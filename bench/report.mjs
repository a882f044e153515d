// Small shared helpers for the benchmarks: medians, and a table of ratios.

export function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

export function us(ms) {
  return `${(ms * 1000).toFixed(0)} µs`
}

/** rows: [{ name, weft, baseline, unit, better: "lower" | "higher", target }] */
export function printTable(title, rows) {
  console.log(`\n${title}`)
  const lines = rows.map((r) => {
    const ratio = r.weft / r.baseline
    return [r.name, r.format(r.weft), r.format(r.baseline), `${ratio.toFixed(2)}×`, r.target ?? ""]
  })
  const header = ["measure", "weft", "baseline", "ratio", "target"]
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)))
  const fmt = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join("  ")
  console.log(fmt(header))
  console.log(widths.map((w) => "-".repeat(w)).join("  "))
  for (const line of lines) console.log(fmt(line))
}
