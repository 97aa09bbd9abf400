#!/usr/bin/env node
// Makes sure the `dovecot` binary is there: the IMAP tests (@authmux/password-login/imap, the testkit's mail helpers)
// start their own Dovecot as a child process. Missing and running as root with apt-get → installs Debian's
// dovecot-imapd. Missing otherwise → says how to install it and exits 1 (the tests would fail without it anyway).
// Usage: node scripts/ensure-dovecot.mjs
import { spawnSync } from 'node:child_process'

const version = () => {
  const probe = spawnSync('dovecot', ['--version'], { encoding: 'utf8' })
  return probe.status === 0 ? probe.stdout.trim() : undefined
}
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status ?? 1
const hasAptGet = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0

const found = version()
if (found) {
  console.log(`dovecot ${found} is installed (the IMAP tests start their own instance)`)
  process.exit(0)
}
if (isRoot && hasAptGet) {
  console.log('dovecot is missing: installing dovecot-imapd with apt-get (the IMAP tests start their own instance)')
  run('apt-get', ['update', '-qq'])
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'dovecot-imapd'])
  const installed = version()
  if (installed) {
    console.log(`dovecot ${installed} installed`)
    process.exit(0)
  }
  console.error('ensure-dovecot: apt-get did not install dovecot-imapd: the IMAP tests will fail.')
  process.exit(1)
}
console.error(
  'ensure-dovecot: dovecot is not installed and cannot be installed here (needs root and apt-get): the IMAP tests will fail. ' +
    'Install it: sudo apt-get install dovecot-imapd (Debian/Ubuntu) — the tests need the Dovecot 2.3 series.',
)
process.exit(1)
