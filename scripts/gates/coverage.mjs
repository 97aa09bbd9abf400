#!/usr/bin/env node
// Coverage gate: reads coverage/coverage-summary.json (written by `pnpm test --coverage`), sums line coverage per
// package and checks the floor for core, every provider/store package (90%) and the CLI (85%, measured in-process).
// Other packages are reported only.
// Usage: node scripts/gates/coverage.mjs [path/to/coverage-summary.json]
import { existsSync, readFileSync } from 'node:fs'
import { relative, resolve, sep } from 'node:path'

const MIN_LINES_PCT = 90
/** Packages with a floor below the default: the CLI's e2e tests run the built bin, so only its in-process tests count. */
const FLOORS = { cli: 85 }
const GATED = ['core', 'bearer', 'key-secret-jwt', 'api-key-refresh', 'password-login', 'store-file', 'store-redis', 'cli']

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..')
const file = resolve(process.argv[2] ?? `${root}/coverage/coverage-summary.json`)
if (!existsSync(file)) {
  console.error(`coverage gate: ${relative(root, file)} is missing — run \`pnpm test --coverage\` first`)
  process.exit(1)
}
const summary = JSON.parse(readFileSync(file, 'utf8'))

/** package → { covered, total, files: [{ file, pct, uncovered }] } */
const byPackage = new Map()
for (const [path, metrics] of Object.entries(summary)) {
  if (path === 'total') continue
  const parts = relative(root, path).split(sep)
  if (parts[0] !== 'packages' || !parts[1]) continue
  const entry = byPackage.get(parts[1]) ?? { covered: 0, total: 0, files: [] }
  entry.covered += metrics.lines.covered
  entry.total += metrics.lines.total
  entry.files.push({ file: parts.slice(2).join('/'), pct: metrics.lines.pct, uncovered: metrics.lines.total - metrics.lines.covered })
  byPackage.set(parts[1], entry)
}

let failed = 0
console.log(`package            lines    covered/total  floor   lowest files`)
for (const name of [...new Set([...GATED, ...byPackage.keys()])]) {
  const entry = byPackage.get(name)
  const gated = GATED.includes(name)
  if (!entry || entry.total === 0) {
    console.log(`${name.padEnd(18)} no coverage data${gated ? '  FAIL' : ''}`)
    if (gated) failed++
    continue
  }
  const pct = (100 * entry.covered) / entry.total
  const floor = FLOORS[name] ?? MIN_LINES_PCT
  const ok = !gated || pct >= floor
  if (!ok) failed++
  const worst = entry.files
    .filter((f) => f.uncovered > 0)
    .sort((a, b) => b.uncovered - a.uncovered)
    .slice(0, 3)
    .map((f) => `${f.file} ${f.pct}%`)
    .join(', ')
  console.log(
    `${name.padEnd(18)} ${`${pct.toFixed(1)}%`.padEnd(8)} ${`${entry.covered}/${entry.total}`.padEnd(14)} ${(gated ? `${floor}%` : '-').padEnd(7)} ${ok ? '' : 'FAIL  '}${worst}`,
  )
}
if (failed) {
  console.error(`coverage gate: ${failed} package(s) below their line-coverage floor`)
  process.exit(1)
}
console.log(`coverage gate: core and every provider/store package have at least ${MIN_LINES_PCT}% line coverage, the CLI ${FLOORS.cli}%`)
