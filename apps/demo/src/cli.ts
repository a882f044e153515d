// The demo's command line, one program for Node (`node dist/cli.js`) and Deno (`deno run ...
// dist/cli.js`): "weftjs" resolves to the adapter of whichever runs it. It renders a Mandelbrot
// image with live progress (tiles streamed as they are drawn), times serial against 1..N threads
// in the three styles and streaming, checks every image against the serial one, shows where
// threads do not pay, and writes PNGs.
import { mkdirSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import process from "node:process"
import { parseArgs } from "node:util"
import { getRuntime, ThreadPool } from "weftjs"
import { defaultScene, type Scene } from "./mandelbrot.js"
import { encodePng } from "./png.js"
import { render, STYLES, type Progress, type RenderResult, type Style } from "./render.js"
import { looksBusy } from "./busy.js"
import { colorName, withLegend } from "./legend.js"
import { threadColor, tint } from "./tint.js"

const HELP = `Usage: demo [options]
  --size WxH        image size (default 1200x800)
  --iterations N    escape-time limit (default 1500)
  --tile N          tile edge in pixels (default 32)
  --threads N       most threads to try (default: available parallelism, at least 2)
  --out DIR         where the PNGs go (default ./out)
  --no-table        skip the timing table
  --help`

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "1200x800" },
    iterations: { type: "string", default: "1500" },
    tile: { type: "string", default: "32" },
    threads: { type: "string" },
    out: { type: "string", default: "out" },
    "no-table": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
})
if (values.help) {
  console.log(HELP)
  process.exit(0)
}

function positiveInt(name: string, text: string): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got "${text}"\n\n${HELP}`)
    process.exit(2)
  }
  return n
}
const size = /^(\d+)x(\d+)$/.exec(values.size)
if (!size) {
  console.error(`--size must look like 960x640, got "${values.size}"\n\n${HELP}`)
  process.exit(2)
}
const runtime = getRuntime()
const scene: Scene = defaultScene(positiveInt("size", size[1]), positiveInt("size", size[2]), positiveInt("iterations", values.iterations))
const tileSize = positiveInt("tile", values.tile)
const maxThreads = values.threads === undefined ? Math.max(2, runtime.availableParallelism()) : positiveInt("threads", values.threads)
const tty = process.stdout.isTTY === true
// `demo | head` closes the pipe early: stop quietly rather than crash on EPIPE.
process.stdout.on("error", (error: { code?: string }) => (error.code === "EPIPE" ? process.exit(0) : undefined))

const color = (code: string) => (text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text)
const bold = color("1")
const dim = color("2")
const green = color("32")
const red = color("31")
const swatch = (slot: number) => (tty ? `\x1b[38;2;${threadColor(slot).join(";")}m■\x1b[0m` : "")

function progressLine(p: Pick<Progress, "tilesDone" | "tilesTotal" | "perThread">): string {
  const counts = p.perThread.map((n, slot) => `${swatch(slot)}T${slot + 1} ${String(n).padStart(4)}`).join("  ")
  const text = ` ${String(Math.round((p.tilesDone / p.tilesTotal) * 100)).padStart(3)}%  ${p.tilesDone}/${p.tilesTotal} tiles  ${counts}`
  // The bar gives way on a narrow terminal, so the line never wraps (a wrapped line breaks \r).
  const room = (process.stdout.columns ?? 100) - 3 - text.replace(/\x1b\[[0-9;]*m/g, "").length
  const width = Math.max(0, Math.min(30, room))
  const filled = Math.round((p.tilesDone / p.tilesTotal) * width)
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}]${text}`
}

const versions = process.versions as Record<string, string | undefined>
const host = versions.deno ? `Deno ${versions.deno}` : versions.bun ? `Bun ${versions.bun}` : `Node ${versions.node}`
console.log(bold(`weft demo: Mandelbrot ${scene.width}x${scene.height}, ${scene.maxIterations} iterations, ${tileSize}px tiles`))
console.log(dim(`runtime: ${host}, weft adapter "${runtime.name}", ${runtime.availableParallelism()} CPUs available\n`))

// 1. The live render: generators on a pool stream each tile as it is drawn; the bar moves per tile.
const serial = await render({ scene, style: "serial", tileSize })
console.log(`${STYLES.stream}, ${maxThreads} threads, tiles streamed as they are drawn:`)
let lastDrawn = 0
let arrived = 0
const live = await render({
  scene,
  style: "stream",
  threads: maxThreads,
  tileSize,
  onTile: () => arrived++,
  onProgress: (p) => {
    if (!tty) return
    const now = performance.now()
    if (now - lastDrawn < 40 && p.tilesDone < p.tilesTotal) return
    lastDrawn = now
    process.stdout.write(`\r${progressLine(p)}`)
  },
})
const liveOk = live.checksum === serial.checksum
// Every threaded render is checked against the serial image; any difference fails the run.
const failures: string[] = liveOk ? [] : [`live render: ${live.checksum} != ${serial.checksum}`]
let checked = 1
process.stdout.write(
  `${tty ? "\r" : ""}${progressLine({ tilesDone: live.tiles.length, tilesTotal: live.tiles.length, perThread: live.perThread })}\n`,
)
console.log(
  `${live.ms.toFixed(0)} ms, ${arrived} tiles arrived one by one, checksum ${live.checksum} ${liveOk ? green("= serial") : red(`!= serial ${serial.checksum}`)}\n`,
)

// 2. The table: serial against 1..N threads in each style.
if (!values["no-table"]) {
  const rows: string[][] = [["style", "threads", "time", "speedup", "tiles per thread", "checksum"]]
  const threadedSpeedups: number[] = []
  const row = (r: RenderResult, label: string, baseline: number) => {
    const ok = r.checksum === serial.checksum
    if (r.style !== "serial") {
      checked++
      threadedSpeedups.push(baseline / r.ms)
    }
    if (!ok) failures.push(`${label}, ${r.threads} threads: ${r.checksum} != ${serial.checksum}`)
    rows.push([
      label,
      r.style === "serial" ? "-" : String(r.threads),
      `${r.ms.toFixed(0)} ms`,
      `${(baseline / r.ms).toFixed(2)}x`,
      r.perThread.join(" / "),
      ok ? green(`ok ${r.checksum}`) : red(`MISMATCH ${r.checksum}`),
    ])
  }
  // A second serial run, now that the code is warm, is the baseline.
  const baseline = await render({ scene, style: "serial", tileSize })
  row(baseline, STYLES.serial, baseline.ms)
  for (const style of ["pool", "stream", "bands", "queue"] as const satisfies readonly Style[]) {
    for (let threads = 1; threads <= maxThreads; threads++) {
      const r = await render({ scene, style, threads, tileSize })
      row(r, STYLES[style], baseline.ms)
    }
    if (style === "pool") {
      // The rows above include starting the workers and warming their JIT; a pool that is
      // already running shows the steady state.
      const running = new ThreadPool({ maxWorkers: maxThreads })
      try {
        await render({ scene, style, tileSize, threads: maxThreads, pool: running })
        row(await render({ scene, style, tileSize, threads: maxThreads, pool: running }), `${STYLES.pool}, warm pool`, baseline.ms)
      } finally {
        await running.shutdown()
      }
    }
  }

  // Where threads do not pay: one-pixel tiles are tasks of a fraction of a microsecond each, so
  // the hand-off to a worker (a message each way) costs far more than the work. Measured on a
  // pool that is already running and warm, so start-up is not what the rows show.
  const tinyScene = defaultScene(64, 48, 50)
  const tinySerial = await render({ scene: tinyScene, style: "serial", tileSize: 1 })
  const tinyRow = (label: string, r: RenderResult) => {
    const ok = r.checksum === tinySerial.checksum
    if (r.style !== "serial") checked++
    if (!ok) failures.push(`${label}: ${r.checksum} != ${tinySerial.checksum}`)
    rows.push([
      label,
      r.style === "serial" ? "-" : String(r.threads),
      `${r.ms.toFixed(1)} ms (${((r.ms * 1000) / r.tiles.length).toFixed(2)} µs/task)`,
      `${(tinySerial.ms / r.ms).toFixed(2)}x`,
      r.perThread.join(" / "),
      ok ? green(`ok ${r.checksum}`) : red(`MISMATCH ${r.checksum}`),
    ])
  }
  tinyRow("tiny tasks (1-px tiles): serial", tinySerial)
  const warm = new ThreadPool({ maxWorkers: maxThreads })
  let tinyPool: RenderResult
  let tinyChunked: RenderResult
  try {
    await render({ scene: tinyScene, style: "pool", threads: maxThreads, tileSize: 1, pool: warm }) // warm-up, not shown
    tinyPool = await render({ scene: tinyScene, style: "pool", threads: maxThreads, tileSize: 1, pool: warm })
    tinyRow("tiny tasks: warm pool, one per task", tinyPool)
    tinyChunked = await render({ scene: tinyScene, style: "pool", threads: maxThreads, tileSize: 1, chunksize: 256, pool: warm })
    tinyRow("tiny tasks: warm pool, chunksize 256", tinyChunked)
  } finally {
    await warm.shutdown()
  }
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "").length
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => visible(r[c]))))
  for (const [i, r] of rows.entries()) {
    console.log(r.map((cell, c) => cell + " ".repeat(widths[c] - visible(cell))).join("  "))
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "))
  }
  console.log(
    dim(
      `\nWhere threads do not pay: ${tinySerial.tiles.length} one-pixel tasks take ${tinySerial.ms.toFixed(1)} ms on one thread, ${tinyPool.ms.toFixed(0)} ms as tasks` +
        ` of a warm ${maxThreads}-worker pool (each hand-off costs far more than its work), ${tinyChunked.ms.toFixed(0)} ms batched 256 per task.` +
        `\nThreads pay off when each task is much longer than a hand-off (tens of microseconds) and the job is longer than starting workers.`,
    ),
  )
  if (looksBusy(threadedSpeedups, runtime.availableParallelism())) {
    console.log(
      red(
        `\nEvery threaded row was slower than serial: the machine looks busy (other processes are using its ${runtime.availableParallelism()} CPUs),` +
          " so threads had no idle core to run on. Run the demo again when it is idle.",
      ),
    )
  }
}

// 3. The images: the render, and the same tinted by the thread that drew each tile.
const outDir = resolve(values.out)
mkdirSync(outDir, { recursive: true })
const plain = join(outDir, "mandelbrot.png")
const tinted = join(outDir, "mandelbrot-threads.png")
writeFileSync(plain, encodePng(scene.width, scene.height, live.pixels))
const legend = withLegend(tint(live.pixels, scene.width, live.tiles, live.owners), scene.width, scene.height, live.perThread)
writeFileSync(tinted, encodePng(scene.width, legend.height, legend.pixels))
const key = live.perThread.map((tiles, slot) => `${swatch(slot)}T${slot + 1} ${colorName(slot)} (${tiles} tiles)`).join(", ")
console.log(`\nwrote ${plain}\nwrote ${tinted} (tiles tinted by the thread that drew them; legend under the image: ${key})`)

if (failures.length > 0) {
  console.error(red(`\n${failures.length} render(s) differ from the serial image:\n  ${failures.join("\n  ")}`))
  process.exit(1)
}
console.log(green(`\nall ${checked} threaded renders match the serial image (checksum ${serial.checksum})`))
