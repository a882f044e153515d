// The closing table of `npm run bench`: every ratio the benches recorded, its target and whether
// it is met, plus each listed target no bench row matched ("not measured").
import { meets, printColumns } from "./report.mjs"
import { targets } from "./targets.mjs"

/**
 * results: [{ bench, table, name, ratio, target, goal, source, smoke }] as recorded.
 * ran: the bench files that ran (targets of other benches are not reported missing).
 * Returns the summary's rows: { bench, name, ratio, target, source, status }.
 */
export function summarize(results, ran) {
  const used = new Set()
  const rows = results.map((result) => {
    const listed = targets.find((t) => t.bench === result.bench && t.name.test(result.name))
    if (listed) used.add(listed)
    const goal = listed?.goal ?? result.goal
    const verdict = meets(result.ratio, goal)
    const status = goal === undefined ? "—" : result.smoke ? "smoke" : verdict === undefined ? "no figure" : verdict ? "met" : "NOT MET"
    return {
      bench: result.bench,
      name: result.name,
      ratio: result.ratio,
      target: listed?.target ?? result.target ?? "",
      source: listed?.source ?? result.source ?? "",
      status,
    }
  })
  for (const listed of targets) {
    if (used.has(listed) || !ran.includes(listed.bench)) continue
    rows.push({
      bench: listed.bench,
      name: `(${listed.name.source})`,
      ratio: Number.NaN,
      target: listed.target,
      source: listed.source,
      status: "not measured",
    })
  }
  return rows
}

export function printSummary(rows, note) {
  console.log(`\n### summary: every ratio and its target${note ? ` (${note})` : ""}`)
  const lines = rows.map((r) => [
    r.bench.replace(/\.bench\.mjs$/, ""),
    r.name,
    Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : "—",
    r.target,
    r.source,
    r.status,
  ])
  printColumns(["bench", "measure", "ratio", "target", "from", "status"], lines)
  const count = (status) => rows.filter((r) => r.status === status).length
  console.log(
    `${count("met")} met, ${count("NOT MET")} not met, ${count("not measured")} not measured, ${count("—")} without a target${count("smoke") ? `, ${count("smoke")} not judged (smoke run)` : ""}`,
  )
}
