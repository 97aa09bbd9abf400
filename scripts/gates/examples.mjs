#!/usr/bin/env node
// Gate: every file in examples/ runs as written on this Node, against the testkit emulators, and does what it says.
//
// The emulators run in this process (random loopback ports); each example runs as a child process with their URLs and
// demo credentials in the environment (the presets' own variables), exactly as a user would run it against a real
// service. An example passes when it exits 0, prints its expected line, leaks no credential (stdout + stderr), and
// the emulators saw the authenticated requests it claims to make. Also checked: the examples that start their own
// emulators, one example with DEBUG=authmux:* (redacted debug lines on stderr), and that the README quick start is
// examples/quick-start.mjs verbatim. Needs built packages (`pnpm build`).
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const examplesDir = join(root, 'examples')
const TIMEOUT_MS = 60_000

/**
 * Each run: the file, the line it must print, and for runs against the gate's emulators the credentials the
 * emulators must have accepted (`provider:credential`, 2xx answers only). `env: 'own'` runs with none of the
 * providers' variables, so the example starts its own emulators.
 */
const RUNS = [
  { file: 'aionmarket.mjs', expect: /^a wrong key: KeyRejectedError INVALID_CREDENTIALS \(HTTP 401\)$/m, saw: ['aionmarket:bearer'] },
  { file: 'tradeready.mjs', expect: /^after logout: signed-out$/m, saw: ['tradeready:x-api-key', 'tradeready:bearer'] },
  { file: 'projectx.mjs', expect: /^revalidated: expiry moved forward, state valid$/m, saw: ['projectx:bearer'] },
  { file: 'apala.mjs', expect: /^feedback \S+ recorded$/m, saw: ['apala:bearer'] },
  { file: 'axiom.mjs', expect: /^second instance as \S+ with 0 new logins$/m, saw: ['axiom:cookie'] },
  {
    file: 'composed-bot.mjs',
    expect: /^round 2: 5\/5 providers answered$/m,
    saw: ['aionmarket:bearer', 'tradeready:bearer', 'projectx:bearer', 'apala:bearer', 'axiom:cookie'],
  },
  { file: 'quick-start.mjs', env: 'own', expect: /^demo-bot: 1 agent\(s\); Apala suggests SMS$/m },
  { file: 'handling-errors.mjs', env: 'own', expect: /^handling errors example: done$/m },
  { file: 'emulator-faults.mjs', env: 'own', expect: /^injected 401: 1 unauthorized answer, token renewed, request replayed once$/m },
  { file: 'aionmarket.mjs', env: 'own', expect: /^aionmarket example: done$/m, label: 'aionmarket.mjs (own emulators)' },
  {
    file: 'tradeready.mjs',
    label: 'tradeready.mjs with DEBUG=authmux:*',
    extraEnv: { DEBUG: 'authmux:*' },
    expect: /^tradeready example: done$/m,
    expectStderr: /authmux:tradeready debug @authmux\/key-secret-jwt: logged in/,
    saw: ['tradeready:bearer'],
  },
]

/** Runs `node <file>` in examples/ and collects its output. */
function runExample(file, env) {
  return new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(process.execPath, [file], { cwd: examplesDir, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, ms: Math.round(performance.now() - started) })
    })
  })
}

/** The problems with one run (empty = pass). */
function judge(run, result, secrets, requests) {
  const problems = []
  if (result.code !== 0) problems.push(`exit ${result.code ?? result.signal}`)
  if (!run.expect.test(result.stdout)) problems.push(`stdout lacks ${run.expect}`)
  if (run.expectStderr && !run.expectStderr.test(result.stderr)) problems.push(`stderr lacks ${run.expectStderr}`)
  const output = result.stdout + result.stderr
  const leaked = secrets.filter((secret) => output.includes(secret))
  if (leaked.length > 0) problems.push(`printed ${leaked.length} credential(s)`)
  if (/eyJ[\w-]{8,}\.[\w-]{8,}\./.test(output)) problems.push('printed a JWT')
  for (const wanted of run.saw ?? []) {
    const [provider, credential] = wanted.split(':')
    const ok = requests.some((r) => r.provider === provider && r.credential === credential && r.status >= 200 && r.status < 300)
    if (!ok) problems.push(`the ${provider} emulator saw no 2xx request with ${credential}`)
  }
  return problems
}

function quickStartProblems() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const section = readme.split(/^## Quick start$/m)[1]
  const block = section?.match(/```js\n([\s\S]*?)```/)?.[1]
  const file = readFileSync(join(examplesDir, 'quick-start.mjs'), 'utf8')
  if (block === undefined) return ['README.md has no ```js block under "## Quick start"']
  return block.trim() === file.trim() ? [] : ['the README quick start differs from examples/quick-start.mjs (keep them identical)']
}

const { startExampleEmulators } = await import(pathToFileURL(join(examplesDir, 'lib', 'example-env.mjs')).href)
const { emulators, env: emulatorEnv } = await startExampleEmulators()
const secrets = Object.entries(emulatorEnv)
  .filter(([name]) => /KEY|SECRET|PASSWORD/.test(name))
  .map(([, value]) => value)
const providerVariables = new Set(Object.keys(emulatorEnv))
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !providerVariables.has(name) && name !== 'DEBUG' && name !== 'AUTHMUX_DEBUG'))

let failed = 0
const started = performance.now()
try {
  for (const run of RUNS) {
    const before = emulators.requests.list().length
    // The TradeReady login limit (5 a minute per IP) is shared by every run: each starts with a fresh window.
    emulators.tradeready.resetRateLimits()
    const env = { ...baseEnv, ...(run.env === 'own' ? {} : emulatorEnv), ...run.extraEnv }
    const result = await runExample(run.file, env)
    const problems = judge(run, result, secrets, emulators.requests.list().slice(before))
    const label = run.label ?? run.file
    if (problems.length === 0) {
      console.log(`ok    ${label} (${result.ms} ms)`)
    } else {
      failed++
      console.log(`FAIL  ${label} (${result.ms} ms): ${problems.join('; ')}`)
      console.log(`      stdout: ${result.stdout.trim().split('\n').join('\n              ')}`)
      console.log(`      stderr: ${result.stderr.trim().split('\n').slice(-15).join('\n              ')}`)
    }
  }
} finally {
  await emulators.close()
}

const readmeProblems = quickStartProblems()
if (readmeProblems.length > 0) failed++
console.log(readmeProblems.length === 0 ? 'ok    README quick start = examples/quick-start.mjs' : `FAIL  ${readmeProblems.join('; ')}`)

const total = RUNS.length + 1
console.log(`examples: ${total - failed} of ${total} checks ok in ${((performance.now() - started) / 1000).toFixed(1)} s`)
process.exit(failed === 0 ? 0 : 1)
