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
function startCli(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
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
      await expect(startCli([])).rejects.toThrow(/port is already in use/)
    }
  })

  test('a taken port fails with exit code 1 and a message saying how to fix it', async () => {
    const base = await freeBase()
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(base + 3, '127.0.0.1', resolve))
    try {
      await expect(startCli(['--port-base', String(base)])).rejects.toThrow(/exited with 1: @authmux\/testkit: an emulator port is already in use/)
    } finally {
      blocker.close()
    }
    expect(await allFree(base)).toBe(true)
  })

  test('bad arguments are refused', async () => {
    await expect(startCli(['--port-base', 'abc'])).rejects.toThrow(/--port-base must be an integer/)
    await expect(startCli(['--bogus'])).rejects.toThrow(/unknown argument/)
  })
})
