import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createFileTokenStore } from '@authmux/store-file'
import type { AxiomEmulator } from '@authmux/testkit'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { axiomAuthFor, startAxiom } from './axiom.fixtures'

const here = dirname(fileURLToPath(import.meta.url))
const packageRoot = join(here, '..', '..')
const childScript = join(here, 'fixtures', 'axiom-refresh-child.mjs')

/**
 * The two-process test runs child processes that import the BUILT packages (`dist`). It relies on `pnpm test`
 * (turbo builds every package before vitest) or a manual `pnpm --filter @authmux/password-login... build`; it fails
 * loudly instead of testing a stale build.
 */
function assertFreshBuild(): void {
  const dist = join(packageRoot, 'dist', 'index.js')
  const stale = (file: string) => `${file} is missing or older than the sources — run \`pnpm build\` (or \`pnpm test\`, which builds first).`
  if (!existsSync(dist)) throw new Error(stale(dist))
  const builtAt = statSync(dist).mtimeMs
  const sources = readdirSync(join(packageRoot, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.includes('fixtures'))
    .map((file) => statSync(join(packageRoot, 'src', file)).mtimeMs)
  if (Math.max(...sources) > builtAt) throw new Error(stale(dist))
  for (const dep of ['core', 'store-file']) {
    const depDist = join(packageRoot, '..', dep, 'dist', 'index.js')
    if (!existsSync(depDist)) throw new Error(stale(depDist))
  }
}

interface ChildResult {
  code: number | null
  result: { ok: boolean; email?: string; refreshes?: number; expiresAt?: number; name?: string; message?: string }
}

/** Starts a child, resolves `ready` once it printed "ready", `done` with its result line and exit code. */
function startChild(env: Record<string, string>) {
  const child = spawn(process.execPath, [childScript], { cwd: packageRoot, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  let onReady: () => void
  const ready = new Promise<void>((resolve) => (onReady = resolve))
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    if (stdout.includes('ready\n')) onReady()
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{'))
      if (!line) return reject(new Error(`child exited ${code} without a result: ${stderr}`))
      resolve({ code, result: JSON.parse(line) })
    })
  })
  return { ready, done, go: () => child.stdin.end('go\n') }
}

describe('Axiom sessions persisted in a file store', () => {
  let emu: AxiomEmulator
  let dir: string
  const key = randomBytes(32).toString('base64')
  beforeEach(async () => {
    emu = await startAxiom()
    dir = mkdtempSync(join(tmpdir(), 'authmux-axiom-store-'))
  })
  afterEach(async () => {
    await emu.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('a second strategy instance on the same store ("second process start") reuses the tokens: zero logins', async () => {
    const first = axiomAuthFor(emu, { store: createFileTokenStore({ dir, key }) })
    await first.fetch('/user/info')
    first.dispose()
    expect(emu.stats.get().logins).toBe(1)
    emu.stats.reset()

    const second = axiomAuthFor(emu, {
      store: createFileTokenStore({ dir, key }),
      otp: () => Promise.reject(new Error('a login was not expected')),
    })
    expect(await second.hasSavedTokens()).toBe(true)
    await second.fetch('/user/info')
    expect(emu.stats.get().logins).toBe(0)
    second.dispose()

    // Even without a password (e.g. tokens saved by `authmux login axiom`), saved tokens are enough.
    const tokensOnly = axiomAuthFor(emu, { password: undefined, otp: undefined, store: createFileTokenStore({ dir, key }) })
    expect(await tokensOnly.fetch<{ email: string }>('/user/info')).toMatchObject({ email: emu.credentials.email })
    expect(emu.stats.get().logins).toBe(0)
    tokensOnly.dispose()
  })

  describe('two processes', () => {
    beforeAll(assertFreshBuild)

    it('refreshing through the same file store at the same moment → exactly one refresh on the emulator', async () => {
      const seed = axiomAuthFor(emu, { store: createFileTokenStore({ dir, key }) })
      await seed.ensureValid()
      seed.dispose()
      // Both children start past the must-refresh point (10 s before expiry): each must refresh before answering.
      emu.clock.advance(960_000 - 10_000)
      emu.stats.reset()

      const env = {
        CHILD_BASE_URL: emu.url,
        CHILD_EMAIL: emu.credentials.email,
        CHILD_STORE_DIR: dir,
        CHILD_STORE_KEY: key,
        CHILD_NOW_MS: String(emu.clock.now()),
      }
      const children = [startChild(env), startChild(env)]
      await Promise.all(children.map((c) => c.ready))
      for (const child of children) child.go()
      const results = await Promise.all(children.map((c) => c.done))

      for (const { code, result } of results) {
        expect(result).toMatchObject({ ok: true, email: emu.credentials.email })
        expect(code).toBe(0)
      }
      expect(emu.stats.get().refreshes).toBe(1)
      expect(emu.stats.get().logins).toBe(0)
      expect(results.map((r) => r.result.refreshes).sort()).toEqual([0, 1])
      expect(results[0]!.result.expiresAt).toBe(results[1]!.result.expiresAt)
    })
  })
})
