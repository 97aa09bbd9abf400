// A private npm registry on loopback for the registry round-trip gate: Verdaccio (the root devDependency) with its
// storage in a temp dir. @authmux/* packages can only come from what was published to it (no uplink for the scope);
// every other package is proxied from the public npm registry, so fresh projects can install zod, jose, ofetch …
import { spawn } from 'node:child_process'
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { freePort } from '../install-checks.mjs'

const require = createRequire(import.meta.url)
const PUBLIC_REGISTRY = 'https://registry.npmjs.org/'
const START_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 5_000

function config(dir) {
  return `# written by scripts/gates/registry-roundtrip.mjs
storage: ${join(dir, 'storage')}
auth:
  htpasswd:
    file: ${join(dir, 'htpasswd')}
    max_users: -1
uplinks:
  npmjs:
    url: ${PUBLIC_REGISTRY}
    timeout: 60s
packages:
  '@authmux/*':
    access: $all
    publish: $all
  '**':
    access: $all
    publish: $all
    proxy: npmjs
web:
  enable: false
max_body_size: 50mb
log: { type: stdout, format: pretty, level: warn }
`
}

/**
 * Starts Verdaccio (the root devDependency) on a free loopback port, waits until it answers `/-/ping`,
 * and returns { url, stop, logTail }. `stop()` is idempotent; `killNow()` is the synchronous last resort for exit.
 */
export async function startRegistry({ dir }) {
  const bin = join(require.resolve('verdaccio/package.json'), '..', 'bin', 'verdaccio')
  mkdirSync(dir, { recursive: true })
  const configFile = join(dir, 'verdaccio.yaml')
  const logFile = join(dir, 'verdaccio.log')
  writeFileSync(configFile, config(dir))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/`
  const log = openSync(logFile, 'a')
  const child = spawn(process.execPath, [bin, '--config', configFile, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', log, log],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  })
  let exited = false
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  exit.then(() => {
    exited = true
  })
  const logTail = () => readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n')

  const killNow = () => {
    if (!exited) child.kill('SIGKILL')
  }
  const stop = async () => {
    if (exited) return
    child.kill('SIGTERM')
    const timer = setTimeout(killNow, STOP_TIMEOUT_MS)
    await exit
    clearTimeout(timer)
  }

  const deadline = Date.now() + START_TIMEOUT_MS
  while (true) {
    if (exited) throw new Error(`Verdaccio exited at start (port ${port}):\n${logTail()}`)
    const ok = await fetch(new URL('-/ping', url), { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.ok,
      () => false,
    )
    if (ok) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`Verdaccio did not answer on ${url} within ${START_TIMEOUT_MS} ms:\n${logTail()}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return { url, port, pid: child.pid, stop, killNow, logTail }
}

/** GET a package document (packument) from the registry; undefined when it has no such package. */
export async function packument(registryUrl, name) {
  const response = await fetch(new URL(name.replace('/', '%2f'), registryUrl))
  if (response.status === 404) return undefined
  if (!response.ok) throw new Error(`registry answered ${response.status} for ${name}`)
  return response.json()
}
