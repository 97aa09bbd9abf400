// 6) Size and start-up. Size: min+gzip of each package's own code (scripts/gates/size.mjs), ratio = size / ceiling.
// Start-up: cold `import` of core + every provider package's presets in a fresh child process (median of RUNS),
// vs a cold import of core's third-party dependencies alone (ofetch, jose, zod).
import { execFileSync } from 'node:child_process'
import { pathToFileURL } from 'node:url'
import { emit, median, result, root } from './lib/harness.mjs'
import { measureSizes } from '../scripts/gates/size.mjs'

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 15)

const rows = []
for (const s of await measureSizes()) {
  rows.push(
    result(`size: ${s.kind === 'provider' ? `${s.name} preset (${s.factory}, tree-shaken)` : s.name} min+gzip`, s.gzip, 'bytes', s.ceiling, {
      minified: s.minified,
      goal: s.ceiling ? `value ≤ ${s.ceiling} (ceiling)` : 'report only',
      pass: s.ceiling ? s.gzip <= s.ceiling : undefined,
    }),
  )
}

const pkgUrl = (name, file = 'dist/index.js') => pathToFileURL(`${root}packages/${name}/${file}`).href
const ours = ['core', 'bearer', 'key-secret-jwt', 'api-key-refresh', 'password-login'].map((name) => pkgUrl(name))
// ESM entry URLs of core's own dependencies, resolved from packages/core.
const deps = JSON.parse(
  execFileSync(
    process.execPath,
    [
      '--experimental-import-meta-resolve',
      '--no-warnings',
      '--input-type=module',
      '-e',
      `console.log(JSON.stringify(['ofetch','jose','zod'].map((s) => import.meta.resolve(s, ${JSON.stringify(pkgUrl('core', 'package.json'))}))))`,
    ],
    { encoding: 'utf8' },
  ),
)
const probe = new URL('./lib/import-probe.mjs', import.meta.url).pathname
const coldImport = (urls) => Number(execFileSync(process.execPath, [probe, ...urls], { encoding: 'utf8' }))
coldImport(ours) // warm the file-system cache; not measured
coldImport(deps)
const oursMs = []
const depsMs = []
for (let i = 0; i < RUNS; i++) {
  oursMs.push(coldImport(ours))
  depsMs.push(coldImport(deps))
}
rows.push(
  result(`start-up: cold import of core + bearer, key-secret-jwt, api-key-refresh, password-login (median of ${RUNS})`, median(oursMs), 'ms', median(depsMs), {
    baselineIs: 'cold import of ofetch + jose + zod alone',
  }),
)
emit(rows)
