#!/usr/bin/env node
// `pnpm bench [name…]`: builds the packages, runs each benchmark in its own process (so heap and start-up figures
// are not polluted by the others), prints one table and writes bench/results/latest.json (one object per figure:
// name, value, unit, baseline, ratio, plus details). Names: overhead, storm, refresh-ahead, hot-path,
// many-accounts, startup, request-cpu, streams.
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { MARKER } from './lib/harness.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const BENCHMARKS = [
  { name: 'overhead', file: 'overhead.mjs' },
  { name: 'storm', file: 'storm.mjs' },
  { name: 'refresh-ahead', file: 'refresh-ahead.mjs' },
  { name: 'hot-path', file: 'hot-path.mjs' },
  { name: 'many-accounts', file: 'many-accounts.mjs', nodeArgs: ['--expose-gc'] },
  { name: 'startup', file: 'startup.mjs' },
  { name: 'request-cpu', file: 'request-cpu.mjs' },
  { name: 'streams', file: 'streams.mjs', nodeArgs: ['--expose-gc'] },
  { name: 'fleet-cluster', file: 'fleet-cluster.mjs', nodeArgs: ['--expose-gc'] },
]

const wanted = process.argv.slice(2)
const unknown = wanted.filter((w) => !BENCHMARKS.some((b) => b.name === w))
if (unknown.length) {
  console.error(`bench: unknown benchmark(s) ${unknown.join(', ')}; choose from ${BENCHMARKS.map((b) => b.name).join(', ')}`)
  process.exit(2)
}
const selected = BENCHMARKS.filter((b) => wanted.length === 0 || wanted.includes(b.name))

if (!process.env.BENCH_SKIP_BUILD) {
  const build = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: `${here}..`, stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const machine = {
  date: new Date().toISOString(),
  node: process.version,
  nproc: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  platform: `${process.platform} ${process.arch}`,
}
console.log(`machine: ${machine.nproc} cpus (${machine.cpu}), node ${machine.node}, ${machine.platform}`)

const rows = []
let failed = false
for (const bench of selected) {
  const started = performance.now()
  process.stdout.write(`running ${bench.name} … `)
  const child = spawnSync(process.execPath, [...(bench.nodeArgs ?? []), `${here}${bench.file}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  })
  const line = child.stdout.split('\n').find((l) => l.startsWith(MARKER))
  if (child.status !== 0 || !line) {
    failed = true
    console.log(`FAILED (exit ${child.status})\n${child.stdout}`)
    continue
  }
  const found = JSON.parse(line.slice(MARKER.length))
  for (const row of found) rows.push({ benchmark: bench.name, ...row })
  console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`)
}

console.log(`\n${table(rows)}`)
mkdirSync(`${here}results`, { recursive: true })
writeFileSync(`${here}results/latest.json`, `${JSON.stringify(rows, null, 2)}\n`)
writeFileSync(`${here}results/machine.json`, `${JSON.stringify(machine, null, 2)}\n`)
console.log(`\nwrote bench/results/latest.json (${rows.length} figures)`)
const missed = rows.filter((r) => r.pass === false)
if (missed.length) console.log(`goals missed: ${missed.length} — ${missed.map((r) => r.name).join('; ')}`)
process.exit(failed ? 1 : 0)

/** A Markdown table (pasteable into bench/README.md). */
function table(list) {
  const fmt = (v) => (v === null || v === undefined ? '–' : Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : String(v))
  const lines = ['| benchmark | value | unit | baseline | ratio | goal | met |', '| --- | ---: | --- | ---: | ---: | --- | --- |']
  for (const r of list) {
    lines.push(
      `| ${r.name} | ${fmt(r.value)} | ${r.unit} | ${fmt(r.baseline)} | ${r.ratio ?? '–'} | ${r.goal ?? ''} | ${r.pass === undefined ? '' : r.pass ? 'yes' : '**no**'} |`,
    )
  }
  return lines.join('\n')
}
