// JUnit XML for the engine runs, one file per engine configuration, counted by test-all.mjs.
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname } from "node:path"

const escapeXml = (text) =>
  String(text)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")

/** cases: { classname, name, status: "passed" | "failed" | "skipped", ms, message? } */
export function writeJUnit(file, suiteName, cases) {
  const failures = cases.filter((c) => c.status === "failed").length
  const skipped = cases.filter((c) => c.status === "skipped").length
  const seconds = (ms) => ((ms ?? 0) / 1000).toFixed(3)
  const body = cases
    .map((c) => {
      const open = `  <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="${seconds(c.ms)}"`
      if (c.status === "failed")
        return `${open}>\n    <failure message="${escapeXml((c.message ?? "").split("\n")[0])}">${escapeXml(c.message ?? "")}</failure>\n  </testcase>`
      if (c.status === "skipped") return `${open}>\n    <skipped message="${escapeXml(c.message ?? "")}"/>\n  </testcase>`
      return `${open}/>`
    })
    .join("\n")
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(
    file,
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n<testsuite name="${escapeXml(suiteName)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}">\n${body}\n</testsuite>\n</testsuites>\n`,
  )
}

/** "12 passed, 1 failed, 3 skipped" */
export function tally(cases) {
  const count = (status) => cases.filter((c) => c.status === status).length
  return `${count("passed")} passed, ${count("failed")} failed, ${count("skipped")} skipped`
}
