import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')
let outDir: string
let cliPath: string

/** Build the package with its own tsup config into a temp dir inside the package (git-ignored; jose resolves from there) (so a concurrent `pnpm build` cannot interfere). */
beforeAll(async () => {
  outDir = mkdtempSync(join(packageDir, '.authmux-test-cli-'))
  await promisify(execFile)('pnpm', ['exec', 'tsup', '--out-dir', outDir, '--no-dts', '--silent'], { cwd: packageDir })
  cliPath = join(outDir, 'cli.js')
}, 60_000)
afterAll(() => rmSync(outDir, { recursive: true, force: true }))

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}
async function allFree(base: number): Promise<boolean> {
  for (let i = 1; i <= 5; i++) if (!(await portFree(base + i))) return false
  return true
}
async function freeBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000)
    if (await allFree(base)) return base
  }
}

interface Started {
  child: ChildProcess
  line: { urls: Record<string, string>; credentials: Record<string, Record<string, string>> }
}
/** Starts the CLI with `--json` and resolves with its one JSON document (the first stdout line). */
function startCli(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [cliPath, ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const nl = out.indexOf('\n')
      if (nl >= 0) resolve({ child, line: JSON.parse(out.slice(0, nl)) })
    })
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.once('exit', (code) => reject(new Error(`cli exited with ${code}: ${err}`)))
  })
}
/** Everything the child wrote to stdout once `done` matches it. */
function firstOutput(child: ChildProcess, done: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (done.test(out)) resolve(out)
    })
    child.once('exit', (code) => reject(new Error(`cli exited with ${code}: ${out}`)))
  })
}
const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })

/** One login (or authenticated call) on each of the five providers, over HTTP only. */
async function loginEverywhere(line: Started['line'], otpCode: string): Promise<void> {
  const { urls, credentials: c } = line
  const ax = c.axiom as Record<string, string>
  const step1 = await post(`${urls.axiom}/login-password-v2`, { email: ax.email, b64Password: ax.b64Password })
  expect(step1.status).toBe(200)
  const { otpJwtToken } = (await step1.json()) as { otpJwtToken: string }
  const step2 = await post(
    `${urls.axiom}/login-otp`,
    { code: otpCode, email: ax.email, b64Password: ax.b64Password },
    { cookie: `auth-otp-login-token=${otpJwtToken}` },
  )
  expect(step2.status).toBe(200)
  expect(step2.headers.getSetCookie().some((l) => l.startsWith('auth-access-token='))).toBe(true)

  const me = await fetch(`${urls.aionmarket}/agents/me`, { headers: { authorization: `Bearer ${c.aionmarket?.apiKey}` } })
  expect(me.status).toBe(200)
  const px = await post(`${urls.projectx}/Auth/loginKey`, { userName: c.projectx?.userName, apiKey: c.projectx?.apiKey })
  expect(await px.json()).toMatchObject({ success: true, errorCode: 0 })
  const tr = await post(`${urls.tradeready}/auth/login`, { api_key: c.tradeready?.apiKey, api_secret: c.tradeready?.apiSecret })
  expect(await tr.json()).toMatchObject({ token_type: 'Bearer' })
  const ap = await post(`${urls.apala}/api/auth/token`, { api_key: c.apala?.apiKey })
  expect(await ap.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600 })
}

describe('authmux-emulators CLI', () => {
  test('the built bin starts with a shebang', () => {
    expect(readFileSync(cliPath, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node')
  })

  test('package.json bin is a committed file, so `pnpm install` links it before any build (no "Failed to create bin")', () => {
    const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] }
    const bin = pkg.bin['authmux-emulators']!
    expect(bin.startsWith('./dist/')).toBe(false)
    const text = readFileSync(join(packageDir, bin), 'utf8')
    expect(text.split('\n')[0]).toBe('#!/usr/bin/env node')
    expect(text).toContain("import('../dist/cli.js')")
    expect(pkg.files).toContain('bin')
  })

  test('--port-base N serves the five providers on N+1 … N+5, answers logins, stops on SIGTERM', async () => {
    const base = await freeBase()
    const { child, line } = await startCli(['--port-base', String(base), '--axiom-otp-code', '424242'])
    try {
      expect(line.urls).toEqual({
        axiom: `http://127.0.0.1:${base + 1}`,
        aionmarket: `http://127.0.0.1:${base + 2}/bvapi`,
        projectx: `http://127.0.0.1:${base + 3}/api`,
        tradeready: `http://127.0.0.1:${base + 4}/api/v1`,
        apala: `http://127.0.0.1:${base + 5}`,
      })
      await loginEverywhere(line, '424242')
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited(child)).toBe(0)
    expect(await allFree(base)).toBe(true)
  })

  test('default fixed ports 4101 … 4105 (or a clear error when they are taken)', async () => {
    if (await allFree(4100)) {
      const { child, line } = await startCli(['--axiom-otp-code', '123456'])
      try {
        expect(line.urls.axiom).toBe('http://127.0.0.1:4101')
        expect(line.urls.apala).toBe('http://127.0.0.1:4105')
        await loginEverywhere(line, '123456')
      } finally {
        child.kill('SIGINT')
      }
      expect(await exited(child)).toBe(0)
    } else {
      await expect(startCli([])).rejects.toThrow(/port 410\d \(\w+\) on 127\.0\.0\.1 is already in use/)
    }
  })

  test('a taken port fails with exit code 1 and a message saying how to fix it', async () => {
    const base = await freeBase()
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(base + 3, '127.0.0.1', resolve))
    try {
      // The message names the port and the provider that wanted it, and the fix.
      await expect(startCli(['--port-base', String(base)])).rejects.toThrow(
        new RegExp(`exited with 1: @authmux/testkit: port ${base + 3} \\(projectx\\) on 127\\.0\\.0\\.1 is already in use — .*--port-base N`),
      )
    } finally {
      blocker.close()
    }
    expect(await allFree(base)).toBe(true)
  })

  test('stable development credentials by default: two starts hand out the same ones; --seed gives another reproducible set, --random fresh ones', async () => {
    const once = async (args: string[]) => {
      const { child, line } = await startCli(['--port-base', String(await freeBase()), ...args])
      child.kill('SIGTERM')
      await exited(child)
      return line.credentials
    }
    const first = await once([])
    const second = await once([])
    // Four providers used to get random keys on every start (Axiom's demo email and password were always fixed).
    const typed = (c: Started['line']['credentials']) => [c.axiom?.email, c.axiom?.password, c.aionmarket, c.projectx, c.tradeready, c.apala]
    expect(typed(second)).toEqual(typed(first))
    const seeded = await once(['--seed', 'ci-42'])
    expect(seeded.tradeready?.apiKey).not.toBe(first.tradeready?.apiKey)
    expect((await once(['--seed=ci-42'])).tradeready).toEqual(seeded.tradeready)
    const random = [await once(['--random']), await once(['--random'])]
    expect(random[0]?.tradeready?.apiKey).not.toBe(random[1]?.tradeready?.apiKey)
  })

  test('the default output is a readable table; --env prints export lines that log in', async () => {
    const base = await freeBase()
    const table = spawn(process.execPath, [cliPath, '--port-base', String(base), '--axiom-otp-code', '111222'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const text = await firstOutput(table, /--json one JSON document/)
    table.kill('SIGTERM')
    await exited(table)
    expect(text).not.toMatch(/^\{/)
    expect(text).toMatch(new RegExp(`^tradeready\\s+http://127\\.0\\.0\\.1:${base + 4}/api/v1\\s+apiKey\\s+ak_live_\\S+$`, 'm'))
    expect(text).toMatch(/^\s+apiSecret\s+sk_live_\S+$/m)
    expect(text).toMatch(/^axiom\s+\S+\s+email\s+demo@axiom\.test$/m)
    expect(text).toContain('stable development values')
    expect(text).toContain('every emailed code is 111222 (authmux login axiom --otp 111222)')

    const envBase = await freeBase()
    const child = spawn(process.execPath, [cliPath, '--port-base', String(envBase), '--env'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const lines = await firstOutput(child, /APALA_API_KEY=/)
    try {
      const vars = Object.fromEntries([...lines.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]))
      expect(Object.keys(vars)).toEqual(
        expect.arrayContaining(['TRADEREADY_API_URL', 'TRADEREADY_API_KEY', 'TRADEREADY_API_SECRET', 'PROJECT_X_USERNAME', 'APALA_BASE_URL']),
      )
      const login = await post(`${vars.TRADEREADY_API_URL}/auth/login`, { api_key: vars.TRADEREADY_API_KEY, api_secret: vars.TRADEREADY_API_SECRET })
      expect(login.status).toBe(200)
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited(child)).toBe(0)
  })

  test('bad arguments are refused', async () => {
    await expect(startCli(['--port-base', 'abc'])).rejects.toThrow(/--port-base must be an integer/)
    await expect(startCli(['--bogus'])).rejects.toThrow(/unknown argument/)
    await expect(startCli(['--seed', 'x', '--random'])).rejects.toThrow(/--seed and --random: pick one/)
  })
})
