// What users get is what is tested: every public package is packed (pnpm pack rewrites the
// workspace: ranges), its file list and metadata are checked, and the tarballs are installed by
// file into a scratch project in a temp dir (no workspace links) that runs them on Node (ESM and
// CommonJS), Deno and a Vite build in Chromium. Then `changeset version` runs on a throwaway copy
// of the repository and `pnpm publish --dry-run` on the versioned copy.
// Run through scripts/packed/run.mjs after a build; tools (deno, vite, playwright) come from the
// workspace, the packages under test only from their tarballs.
import assert from "node:assert/strict"
import { execFileSync, spawnSync } from "node:child_process"
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs"
import { createServer } from "node:http"
import { tmpdir } from "node:os"
import { dirname, extname, join } from "node:path"
import { after, before, describe, test } from "node:test"
import { fileURLToPath } from "node:url"
import { env, root } from "../setup.mjs"
import { chromiumArgs, executablePath } from "../../packages/web/test/chromium.mjs"

const fixture = fileURLToPath(new URL("./fixture", import.meta.url))
const publicPackages = [
  { dir: "core", name: "@weft/core" },
  { dir: "node", name: "@weft/node" },
  { dir: "web", name: "@weft/web" },
  { dir: "deno", name: "@weft/deno" },
  { dir: "weft", name: "weftjs" },
]
const REQUIRED_FIELDS = [
  "name",
  "version",
  "description",
  "license",
  "keywords",
  "homepage",
  "bugs",
  "repository",
  "engines",
  "exports",
  "types",
]

const work = mkdtempSync(join(tmpdir(), "weft-packed-"))
const tarballs = join(work, "tarballs")
const scratch = join(work, "scratch")
const tarballOf = new Map()

function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { env, encoding: "utf8", timeout: 180_000, ...options })
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})\n${result.stdout}\n${result.stderr}`,
    )
  }
  return result.stdout
}

/** The last line a fixture program printed, as JSON. */
function lastJson(stdout) {
  return JSON.parse(stdout.trim().split("\n").at(-1))
}

before(() => {
  mkdirSync(tarballs, { recursive: true })
  for (const { dir, name } of publicPackages) {
    sh("pnpm", ["pack", "--pack-destination", tarballs], { cwd: join(root, "packages", dir) })
    const file = readdirSync(tarballs).find((f) => f.startsWith(`${name.replace("@", "").replace("/", "-")}-`))
    assert.ok(file, `pnpm pack wrote no tarball for ${name}`)
    tarballOf.set(name, join(tarballs, file))
  }
})

after(() => rmSync(work, { recursive: true, force: true }))

/** Every string target in an `exports` map. */
function exportTargets(exports) {
  if (typeof exports === "string") return [exports]
  return Object.values(exports ?? {}).flatMap(exportTargets)
}

describe("each tarball", () => {
  for (const { name } of publicPackages) {
    test(`${name}: files are package.json, README.md, LICENSE and dist/; metadata complete; no workspace: ranges`, () => {
      const files = sh("tar", ["tzf", tarballOf.get(name)])
        .trim()
        .split("\n")
        .map((f) => f.replace(/^package\//, ""))
      const stray = files.filter((f) => !["package.json", "README.md", "LICENSE"].includes(f) && !f.startsWith("dist/"))
      assert.deepEqual(stray, [], `unexpected files in ${name}'s tarball`)
      for (const must of ["package.json", "README.md", "LICENSE"]) assert.ok(files.includes(must), `${name}'s tarball has no ${must}`)
      const manifest = JSON.parse(sh("tar", ["xzf", tarballOf.get(name), "-O", "package/package.json"]))
      for (const field of REQUIRED_FIELDS) assert.ok(manifest[field] !== undefined, `${name}'s package.json has no "${field}"`)
      assert.equal(manifest.license, "MIT")
      assert.match(readFileLicense(name), /MIT License/)
      assert.ok(manifest.keywords.length > 0)
      for (const target of [...exportTargets(manifest.exports), manifest.main, manifest.types].filter(Boolean)) {
        if (target === "./package.json") continue
        assert.ok(files.includes(target.replace(/^\.\//, "")), `${name} exports ${target}, which is not in the tarball`)
      }
      for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
        for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
          assert.match(range, /^[\^~>=< ]*\d+(\.\d+)*$/, `${name} ${field}.${dep} is "${range}", not a semver range`)
        }
      }
    })
  }
})

function readFileLicense(name) {
  return sh("tar", ["xzf", tarballOf.get(name), "-O", "package/LICENSE"])
}

describe("a scratch project installed from the tarballs", () => {
  before(() => {
    cpSync(fixture, scratch, { recursive: true })
    sh("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...tarballOf.values()], { cwd: scratch })
  })

  test("weftjs and the adapters it needs are installed from the tarballs, not linked", () => {
    const manifest = JSON.parse(readFileSync(join(scratch, "package.json"), "utf8"))
    for (const { name } of publicPackages) assert.match(manifest.dependencies[name], /^file:/, `${name} not installed from its tarball`)
    const weftjs = join(scratch, "node_modules", "weftjs")
    assert.ok(existsSync(join(weftjs, "dist", "node.js")))
    assert.equal(readFileSync(join(weftjs, "package.json"), "utf8").includes("workspace:"), false)
  })

  test("Node, ESM: weftjs runs a Thread, a ThreadPool and a Lock across threads", () => {
    const out = lastJson(sh(process.execPath, ["esm.mjs"], { cwd: scratch }))
    assert.deepEqual(out, { runtime: "node", fromThread: 49, fromPool: [81, 100], counter: 2000 })
  })

  test("Node, ESM: an adapter (@weft/node) works on its own", () => {
    assert.deepEqual(lastJson(sh(process.execPath, ["adapter.mjs"], { cwd: scratch })), { cube: 27 })
  })

  const [major, minor] = process.versions.node.split(".").map(Number)
  const requireEsm = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19)
  test("Node, CommonJS: require('weftjs') and threadable(__filename, fn)", {
    skip: !requireEsm && `require() of ESM needs Node >= 20.19 (this is ${process.version})`,
  }, () => {
    const out = lastJson(sh(process.execPath, ["commonjs.cjs"], { cwd: scratch }))
    assert.deepEqual(out, { runtime: "node", fromThread: 6765, fromPool: 10946 })
  })

  test("Deno: weftjs resolves to @weft/deno from node_modules and runs the same program", () => {
    const out = lastJson(sh("deno", ["run", "--allow-read", "esm.mjs"], { cwd: scratch }))
    assert.deepEqual(out, { runtime: "deno", fromThread: 49, fromPool: [81, 100], counter: 2000 })
  })

  test("Vite: a page importing weftjs builds, and the built page runs threads in Chromium", async (t) => {
    const chromium = executablePath
    const { build } = await import("vite")
    const outDir = join(scratch, "web-dist")
    await build({
      root: join(scratch, "web"),
      configFile: false,
      logLevel: "warn",
      build: { outDir, emptyOutDir: true, target: "es2022" },
      worker: { format: "es" },
    })
    const emitted = readdirSync(join(outDir, "assets"))
    assert.ok(
      emitted.some((f) => f.startsWith("weft-worker")),
      `no worker entry emitted: ${emitted.join(", ")}`,
    )
    if (!existsSync(chromium)) {
      t.skip(`no Chromium at ${chromium}: the build was checked, the page was not run`)
      return
    }
    const server = await serve(outDir)
    const { chromium: launcher } = await import("playwright")
    const browser = await launcher.launch({
      executablePath: chromium,
      args: chromiumArgs,
    })
    try {
      const page = await browser.newPage()
      const failed = new Promise((_, reject) => page.on("pageerror", reject))
      await page.goto(`http://127.0.0.1:${server.address().port}/index.html`)
      await Promise.race([page.waitForFunction(() => globalThis.__weftResult !== undefined, undefined, { timeout: 60_000 }), failed])
      const result = await page.evaluate(() => globalThis.__weftResult)
      assert.deepEqual(result, { runtime: "web", isolated: true, fromThread: 49, fromPool: 81, held: true })
    } finally {
      await browser.close()
      server.close()
    }
  })
})

/** A static server for the built page, cross-origin isolated (COOP/COEP) so shared memory exists. */
function serve(dir) {
  const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".map": "application/json" }
  const server = createServer((request, response) => {
    const path = join(dir, decodeURIComponent(new URL(request.url, "http://x").pathname))
    if (!path.startsWith(dir) || !existsSync(path)) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, {
      "Content-Type": types[extname(path)] ?? "application/octet-stream",
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
    })
    response.end(readFileSync(path))
  })
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)))
}

describe("releasing (on a throwaway copy of the repository)", () => {
  const copy = join(work, "release")
  const workspaceDirs = () =>
    ["packages", "apps"]
      .flatMap((group) => readdirSync(join(root, group)).map((dir) => join(group, dir)))
      .concat("bench")
      .filter((dir) => existsSync(join(root, dir, "package.json")))

  before(() => {
    mkdirSync(copy, { recursive: true })
    for (const file of ["package.json", "pnpm-workspace.yaml", ".npmrc"])
      if (existsSync(join(root, file))) cpSync(join(root, file), join(copy, file))
    cpSync(join(root, ".changeset"), join(copy, ".changeset"), { recursive: true })
    for (const dir of workspaceDirs()) {
      mkdirSync(join(copy, dir), { recursive: true })
      for (const entry of ["package.json", "README.md", "LICENSE", "dist"]) {
        if (existsSync(join(root, dir, entry))) cpSync(join(root, dir, entry), join(copy, dir, entry), { recursive: true })
      }
    }
    // What `pnpm install` would link, so pnpm can rewrite workspace: ranges (no install needed).
    const dirOf = new Map(workspaceDirs().map((dir) => [JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")).name, dir]))
    for (const { dir } of publicPackages) {
      const manifest = JSON.parse(readFileSync(join(root, "packages", dir, "package.json"), "utf8"))
      for (const [dep, range] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
        if (!range.startsWith("workspace:")) continue
        const link = join(copy, "packages", dir, "node_modules", dep)
        mkdirSync(dirname(link), { recursive: true })
        symlinkSync(join(copy, dirOf.get(dep)), link, "dir")
      }
    }
  })

  test("changeset version bumps every public package to one new version and writes changelogs", () => {
    const pending = readdirSync(join(copy, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md")
    sh(join(root, "node_modules", ".bin", "changeset"), ["version"], { cwd: copy })
    const versions = new Set()
    for (const { dir, name } of publicPackages) {
      const manifest = JSON.parse(readFileSync(join(copy, "packages", dir, "package.json"), "utf8"))
      versions.add(manifest.version)
      assert.ok(existsSync(join(copy, "packages", dir, "CHANGELOG.md")), `${name} has no CHANGELOG.md`)
    }
    assert.equal(versions.size, 1, `the fixed group split: ${[...versions].join(", ")}`)
    const [version] = versions
    if (pending.length > 0)
      assert.notEqual(version, JSON.parse(readFileSync(join(root, "packages", "core", "package.json"), "utf8")).version)
    const left = readdirSync(join(copy, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md")
    assert.deepEqual(left, [], "changesets left unconsumed")
    const stillPending = readdirSync(join(root, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md")
    assert.equal(stillPending.length, pending.length, "changeset version touched the repository itself")
  })

  test("pnpm publish --dry-run of every versioned public package, with its adapters pinned to the new version", () => {
    for (const { dir, name } of publicPackages) {
      const cwd = join(copy, "packages", dir)
      const { version } = JSON.parse(readFileSync(join(cwd, "package.json"), "utf8"))
      const result = spawnSync("pnpm", ["publish", "--dry-run", "--no-git-checks"], { cwd, env, encoding: "utf8", timeout: 120_000 })
      assert.equal(result.status, 0, `pnpm publish --dry-run failed for ${name}:\n${result.stdout}\n${result.stderr}`)
      assert.match(result.stdout + result.stderr, new RegExp(`${name.replace("/", "\\/")}@${version.replace(/\./g, "\\.")}`))
      sh("pnpm", ["pack", "--pack-destination", join(copy, "packed")], { cwd })
    }
    const packed = join(
      copy,
      "packed",
      readdirSync(join(copy, "packed")).find((f) => f.startsWith("weftjs-")),
    )
    const manifest = JSON.parse(execFileSync("tar", ["xzf", packed, "-O", "package/package.json"], { encoding: "utf8" }))
    for (const adapter of ["@weft/node", "@weft/web", "@weft/deno"]) assert.equal(manifest.dependencies[adapter], manifest.version)
  })
})
