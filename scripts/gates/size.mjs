#!/usr/bin/env node
// Size gate: min+gzip size of each package's own code (esbuild bundle of src/<entry>.ts, every dependency external,
// so ofetch/jose/zod/ioredis and @authmux/core are not counted), checked against the budgets below.
// Usage: node scripts/gates/size.mjs [--json]. Exits 1 when a budgeted entry is over budget.
import { readFileSync, existsSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const KB = 1024

/** Budgets in bytes (min+gzip) for the main entry of each package; packages not listed are reported only. */
export const BUDGETS = {
  '@authmux/core': 5 * KB,
  '@authmux/bearer': 3 * KB,
  '@authmux/key-secret-jwt': 3 * KB,
  '@authmux/api-key-refresh': 3 * KB,
  '@authmux/password-login': 3 * KB,
  '@authmux/store-file': 3 * KB,
  '@authmux/store-redis': 3 * KB,
}

const PACKAGES = ['core', 'bearer', 'key-secret-jwt', 'api-key-refresh', 'password-login', 'store-file', 'store-redis', 'testkit', 'cli']

/** Entry points of a package: every `exports` subpath whose source file exists (`.` → src/index.ts, `./x` → src/x.ts). */
function entries(dir, pkg) {
  return Object.keys(pkg.exports ?? { '.': './dist/index.js' })
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => ({ subpath, file: join(dir, 'src', subpath === '.' ? 'index.ts' : `${subpath.slice(2)}.ts`) }))
    .filter(({ file }) => existsSync(file))
}

/** Measures every package entry: [{ package, entry, minified, gzip, budget, pass }]. */
export async function measureSizes() {
  const rows = []
  for (const name of PACKAGES) {
    const dir = join(root, 'packages', name)
    if (!existsSync(join(dir, 'package.json'))) continue
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    for (const { subpath, file } of entries(dir, pkg)) {
      const out = await build({
        entryPoints: [file],
        bundle: true,
        minify: true,
        format: 'esm',
        platform: 'neutral',
        target: 'es2022',
        packages: 'external',
        external: ['node:*'],
        write: false,
        logLevel: 'silent',
        legalComments: 'none',
      })
      const code = out.outputFiles[0].contents
      const gzip = gzipSync(code, { level: 9 }).length
      const budget = subpath === '.' ? BUDGETS[pkg.name] : undefined
      rows.push({ package: pkg.name, entry: subpath, minified: code.length, gzip, budget, pass: budget === undefined || gzip <= budget })
    }
  }
  return rows
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await measureSizes()
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(rows, null, 2))
  } else {
    const kb = (n) => `${(n / KB).toFixed(2)} kB`
    console.log('package                    entry    min        min+gzip   budget     status')
    for (const r of rows) {
      const status = r.budget === undefined ? 'report only' : r.pass ? 'ok' : `OVER by ${kb(r.gzip - r.budget)}`
      console.log(
        `${r.package.padEnd(26)} ${r.entry.padEnd(8)} ${kb(r.minified).padEnd(10)} ${kb(r.gzip).padEnd(10)} ${(r.budget ? kb(r.budget) : '-').padEnd(10)} ${status}`,
      )
    }
  }
  const over = rows.filter((r) => !r.pass)
  if (over.length > 0) {
    console.error(`size gate: ${over.length} package(s) over budget: ${over.map((r) => r.package).join(', ')}`)
    process.exit(1)
  }
  console.log('size gate: every budgeted package is within budget')
}
