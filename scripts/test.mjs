#!/usr/bin/env node
// The one test command (README and CI): makes sure Redis is there, builds every package, runs every vitest project,
// and prints a plain "N passed, N failed" line. Extra arguments go to vitest (e.g. `pnpm test --project core`).
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', shell: false, ...opts }).status ?? 1
const has = (cmd) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0

if (!has('redis-server')) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (isRoot && has('apt-get')) {
    console.log('redis-server is missing: installing it with apt-get (the store-redis tests start their own server)')
    run('apt-get', ['update', '-qq'])
    run('apt-get', ['install', '-y', '-qq', 'redis-server'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  } else {
    console.warn(
      'redis-server is not installed and cannot be installed here: the store-redis tests will fail. Install it (apt-get install redis-server, brew install redis).',
    )
  }
}

// The IMAP one-time-code tests run a real Dovecot server (installed with apt-get when missing and running as root).
run(process.execPath, ['scripts/ensure-dovecot.mjs'])

if (run('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']) !== 0) {
  console.log('0 passed, 1 failed')
  process.exit(1)
}

const report = '.vitest-report.json'
rmSync(report, { force: true })
const status = run('pnpm', ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)])
if (existsSync(report)) {
  const { numPassedTests = 0, numFailedTests = 0, numPendingTests = 0, numTodoTests = 0 } = JSON.parse(readFileSync(report, 'utf8'))
  const skipped = numPendingTests + numTodoTests
  console.log(`${numPassedTests} passed, ${numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`)
  process.exit(status !== 0 || numFailedTests > 0 ? 1 : 0)
}
console.log('0 passed, 1 failed')
process.exit(status || 1)
