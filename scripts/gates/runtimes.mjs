#!/usr/bin/env node
// Gate: the runtime matrix, tested rather than claimed. Runs scripts/runtimes/smoke.mjs — the public API of core and
// every preset, against the testkit emulators running here in Node — on Node 20 (this Node), Node 22, Bun, Deno and
// workerd (Cloudflare's runtime, through Miniflare), and prints the matrix.
//
// The other runtimes come from the npm registry (their packages ship the binaries) and are installed once per machine
// into a cache outside the repository: $AUTHMUX_RUNTIMES_DIR, default ~/.cache/authmux-runtimes.
//
//   node scripts/gates/runtimes.mjs                   run, print, write dist/runtime-matrix/{matrix.md,matrix.json}
//   node scripts/gates/runtimes.mjs --update-readme   also rewrite the table in README.md between its markers
//   node scripts/gates/runtimes.mjs --only=deno,bun   some runtimes only
//
// Exits 1 when a check fails on any runtime or a runtime could not run. Needs built packages (`pnpm build`).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const smokeDir = join(root, 'scripts', 'runtimes')
const cacheDir = process.env.AUTHMUX_RUNTIMES_DIR ?? join(homedir(), '.cache', 'authmux-runtimes')
const outDir = join(root, 'dist', 'runtime-matrix')
const RUN_TIMEOUT_MS = 90_000
const README_START = '<!-- runtime-matrix:start -->'
const README_END = '<!-- runtime-matrix:end -->'

/** Pinned versions (each works when installed by Node 20's npm; miniflare 4 needs Node 22, so it is 3). */
const NODE_22 = `node-${process.platform}-${process.arch}`
const TOOLS = { bun: '1.4.5', deno: '2.9.6', [NODE_22]: '22.23.5', miniflare: '3.20250718.3' }

const args = process.argv.slice(2)
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',')
const updateReadme = args.includes('--update-readme')

const bin = (name) => join(cacheDir, 'node_modules', '.bin', name)

/** Installs the pinned runtimes into the cache unless they are there already. */
function ensureTools() {
  const manifest = join(cacheDir, 'package.json')
  const wanted = JSON.stringify({ private: true, dependencies: TOOLS }, null, 2)
  // Each binary must answer, not merely exist: an interrupted install leaves placeholders behind.
  const works = (name) => spawnSync(bin(name), ['--version'], { stdio: 'ignore', timeout: 30_000 }).status === 0
  const present = existsSync(manifest) && readFileSync(manifest, 'utf8') === wanted && ['bun', 'deno', 'node', 'workerd'].every(works)
  if (present && existsSync(join(cacheDir, 'node_modules', 'miniflare'))) return
  rmSync(join(cacheDir, 'node_modules'), { recursive: true, force: true })
  mkdirSync(cacheDir, { recursive: true })
  writeFileSync(manifest, wanted)
  console.log(
    `installing ${Object.entries(TOOLS)
      .map(([n, v]) => `${n}@${v}`)
      .join(' ')} into ${cacheDir} (once per machine)`,
  )
  // Each binary comes in a platform package; the postinstall scripts link it into place (bun's needs to run).
  const npm = spawnSync('npm', ['install', '--prefix', cacheDir, '--no-audit', '--no-fund', '--loglevel=error'], {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  })
  if (npm.status !== 0) throw new Error(`npm install into ${cacheDir} failed (exit ${npm.status})`)
}

/** Runs a child process and resolves with its exit code and output. */
function runChild(command, commandArgs, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: smokeDir, stdio: ['ignore', 'pipe', 'pipe'], ...options })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', (error) => (stderr += String(error)))
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** The suite's report from a child's stdout, or a single failed row that says why there is none. */
function parseReport({ code, stdout, stderr }) {
  const line = stdout.split('\n').find((l) => l.startsWith('SMOKE_RESULTS '))
  if (line) return JSON.parse(line.slice('SMOKE_RESULTS '.length))
  const tail = `${stderr}${stdout}`.trim().split('\n').slice(-8).join(' | ')
  return { runtime: undefined, results: [{ name: 'the suite ran', status: 'fail', detail: `exit ${code}: ${tail}` }] }
}

/** Bundles the Worker entry (workerd has no node_modules) and runs it in Miniflare. */
async function runWorkerd(config) {
  const outfile = join(cacheDir, 'smoke-worker.js')
  await build({
    entryPoints: [join(smokeDir, 'smoke-worker.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    outfile,
    logLevel: 'error',
  })
  const { Miniflare } = createRequire(join(cacheDir, 'package.json'))('miniflare')
  // No nodejs_compat flag: the packages must run on Web APIs alone, as they claim.
  const mf = new Miniflare({
    modulesRoot: cacheDir,
    modules: [{ type: 'ESModule', path: outfile, contents: readFileSync(outfile, 'utf8') }],
    compatibilityDate: '2024-09-23',
  })
  try {
    const response = await mf.dispatchFetch('http://smoke.local/', { method: 'POST', body: JSON.stringify(config) })
    const text = await response.text()
    if (!response.ok) return { results: [{ name: 'the suite ran', status: 'fail', detail: `HTTP ${response.status}: ${text.slice(0, 500)}` }] }
    const report = JSON.parse(text)
    const workerd = spawnSync(bin('workerd'), ['--version'], { encoding: 'utf8' })
    report.runtime.version = workerd.stdout.trim().replace(/^workerd\s+/, '') || report.runtime.version
    return report
  } finally {
    await mf.dispose()
  }
}

const RUNTIMES = [
  { id: 'node20', label: 'Node.js 20', run: (file) => runChild(process.execPath, ['smoke-cli.mjs', file]).then(parseReport) },
  { id: 'node22', label: 'Node.js 22', run: (file) => runChild(bin('node'), ['smoke-cli.mjs', file]).then(parseReport) },
  { id: 'bun', label: 'Bun', run: (file) => runChild(bin('bun'), ['smoke-cli.mjs', file]).then(parseReport) },
  {
    id: 'deno',
    label: 'Deno',
    // Network, read, and writes to its store directory only: no environment, no subprocesses, no lock file written.
    run: (file, config) =>
      runChild(bin('deno'), [
        'run',
        '--allow-net',
        '--allow-read',
        `--allow-write=${config.storeDir}`,
        '--allow-sys=hostname',
        '--no-lock',
        '--no-prompt',
        'smoke-cli.mjs',
        file,
      ]).then(parseReport),
  },
  { id: 'workerd', label: 'workerd (Miniflare 3)', run: (_file, config) => runWorkerd(config) },
]

function markdownTable(rows, date) {
  const lines = [
    '| runtime | version | passed | failed | n/a | not applicable there |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.label} | ${r.version} | ${r.passed} | ${r.failed} | ${r.na} | ${r.naNames.join('; ') || '—'} |`),
  ]
  return `${lines.join('\n')}\n\nProduced by \`node scripts/gates/runtimes.mjs\` on ${date}: ${rows[0]?.total ?? 0} checks of \`scripts/runtimes/smoke.mjs\` per runtime, against the testkit emulators.`
}

// ── run ─────────────────────────────────────────────────────────────────────────────────────────────────────────────

const started = performance.now()
ensureTools()
const { startSmokeTarget } = await import(pathToFileURL(join(smokeDir, 'emulators.mjs')).href)
const target = await startSmokeTarget()
const workDir = mkdtempSync(join(tmpdir(), 'authmux-smoke-'))
const configFile = join(workDir, 'config.json')
const storeRoot = join(workDir, 'stores')

const rows = []
try {
  for (const runtime of RUNTIMES.filter((r) => !only || only.includes(r.id))) {
    target.resetRateLimits()
    // A store directory of its own per runtime: the store-file check must find only what its own run wrote.
    const config = { ...target.config, storeDir: join(storeRoot, runtime.id) }
    writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 })
    const t0 = performance.now()
    let report
    try {
      report = await runtime.run(configFile, config)
    } catch (error) {
      report = { results: [{ name: 'the suite ran', status: 'fail', detail: String(error?.stack ?? error) }] }
    }
    const results = report.results
    const row = {
      id: runtime.id,
      label: runtime.label,
      version: report.runtime?.version ?? 'unknown',
      total: results.length,
      passed: results.filter((r) => r.status === 'pass').length,
      failed: results.filter((r) => r.status === 'fail').length,
      na: results.filter((r) => r.status === 'n/a').length,
      naNames: results.filter((r) => r.status === 'n/a').map((r) => `${r.name.replace(/^[^:]*: /, '')} (${r.detail})`),
      seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
      results,
    }
    rows.push(row)
    console.log(
      `${row.failed === 0 ? 'ok  ' : 'FAIL'}  ${row.label} ${row.version}: ${row.passed} passed, ${row.failed} failing, ${row.na} n/a (${row.seconds} s)`,
    )
    for (const r of results.filter((x) => x.status !== 'pass')) console.log(`        ${r.status}: ${r.name}${r.detail ? ` — ${r.detail}` : ''}`)
  }
} finally {
  rmSync(workDir, { recursive: true, force: true })
  await target.close()
}

const date = new Date().toISOString().slice(0, 10)
const table = markdownTable(rows, date)
mkdirSync(outDir, { recursive: true })
writeFileSync(join(outDir, 'matrix.md'), `${table}\n`)
writeFileSync(join(outDir, 'matrix.json'), `${JSON.stringify({ date, rows }, null, 2)}\n`)
console.log(`\n${table}\n\n(written to ${join('dist', 'runtime-matrix')}/matrix.md and matrix.json)`)

const readmePath = join(root, 'README.md')
const readme = readFileSync(readmePath, 'utf8')
const [before, rest] = readme.split(README_START)
const after = rest?.split(README_END)[1]
if (updateReadme && !only) {
  if (after === undefined) throw new Error(`README.md lacks ${README_START} … ${README_END}`)
  writeFileSync(readmePath, `${before}${README_START}\n${table}\n${README_END}${after}`)
  console.log('README.md matrix updated')
} else if (after !== undefined && !only) {
  const rowsOf = (text) => text.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| runtime') && !l.startsWith('| ---'))
  const stale = rowsOf(rest.split(README_END)[0]).join('\n') !== rowsOf(table).join('\n')
  if (stale) console.log('note: the README matrix differs from this run (versions or counts); refresh it with --update-readme and commit')
}

const failedRows = rows.filter((r) => r.failed > 0)
console.log(`runtimes: ${rows.length - failedRows.length} of ${rows.length} runtimes clean in ${((performance.now() - started) / 1000).toFixed(1)} s`)
process.exit(failedRows.length === 0 && rows.length > 0 ? 0 : 1)
