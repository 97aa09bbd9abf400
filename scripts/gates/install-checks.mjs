// What the install gates (pack-install: tarballs; registry-roundtrip: a loopback npm registry) check in a fresh
// consumer project: one scenario per published package, written as a small TypeScript program. The registry gate
// compiles it with tsc (strict, exactOptionalPropertyTypes, nodenext, no skipLibCheck) to .mjs and .cjs and runs
// both; the pack-install gate strips the types with esbuild and runs the same two programs. Each one makes real
// calls against testkit emulators on loopback and throws when an answer is not the authenticated one.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'

export const OTP_CODE = '246810'

const running = new Set()

/**
 * Runs a command in its own process group, collecting stdout and stderr together; resolves with { code, out } (never
 * rejects on exit code). `stopRunning()` ends every such command still running, with all its descendants.
 */
export const run = (cmd, args, opts = {}) =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts })
    running.add(child)
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('error', (error) => {
      running.delete(child)
      resolve({ code: -1, out: `${out}${error.message}` })
    })
    child.on('close', (code) => {
      running.delete(child)
      resolve({ code, out })
    })
  })

/** Kills the process group of every command started with `run()` that has not exited (for SIGINT/SIGTERM). */
export function stopRunning() {
  for (const child of running) {
    try {
      process.kill(-child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  running.clear()
}

/** On Ctrl-C or SIGTERM: `cleanUp()`, then end every running command's process group and exit 130. */
export function onInterrupt(cleanUp) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping`)
      stopRunning()
      cleanUp()
      process.exit(130)
    })
  }
}

/** A free TCP port on 127.0.0.1 (nothing listens on it once this resolves). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/**
 * One scenario per package. `body` is TypeScript that runs inside `async function main()` with `mod` (the package),
 * `core` (@authmux/core), `check(ok, message)`, `load(specifier)` (import or require, per style) and `ctx`
 * (CheckContext below) in scope; it throws on failure.
 */
export const SCENARIOS = [
  {
    name: 'bearer (AionMarket)',
    pkg: 'bearer',
    body: `
      const auth = mod.createAionMarketAuth({ apiKey: ctx.credentials.aionmarket.apiKey, baseURL: ctx.urls.aionmarket })
      const me = await auth.fetch<{ authenticatedWith?: string }>('/agents/me')
      check(me.authenticatedWith === 'bearer', 'AionMarket /agents/me was not authenticated with the bearer key')`,
  },
  {
    name: 'key-secret-jwt (TradeReady + ProjectX)',
    pkg: 'key-secret-jwt',
    body: `
      const c = ctx.credentials
      const tr = mod.createTradeReadyAuth({ apiKey: c.tradeready.apiKey, apiSecret: c.tradeready.apiSecret, baseURL: ctx.urls.tradeready })
      const info = await tr.fetch<{ account_id?: string; authenticatedWith?: string }>('/account/info')
      check(info.account_id === c.tradeready.accountId && info.authenticatedWith !== undefined, 'TradeReady /account/info did not answer for the demo account')
      tr.dispose()
      const px = mod.createProjectXAuth({ username: c.projectx.userName, apiKey: c.projectx.apiKey, baseURL: ctx.urls.projectx })
      const accounts = await px.fetch<{ success?: boolean; authenticatedWith?: string }>('/Account/search', { method: 'POST', body: { onlyActiveAccounts: true } })
      check(accounts.success === true && accounts.authenticatedWith === 'bearer', 'ProjectX /Account/search was not authenticated')
      check(typeof px.accessToken === 'string', 'ProjectX holds no session token after the call')
      px.dispose()`,
  },
  {
    name: 'api-key-refresh (Apala)',
    pkg: 'api-key-refresh',
    body: `
      const auth = mod.createApalaAuth({ apiKey: ctx.credentials.apala.apiKey, baseURL: ctx.urls.apala })
      const out = await auth.fetch<{ authenticatedWith?: string; message_id?: unknown }>('/api/message_optimizer', { method: 'POST', body: { candidate_message: 'hello from ' + ctx.style } })
      check(out.authenticatedWith === 'bearer' && typeof out.message_id === 'string', 'Apala /api/message_optimizer was not authenticated')
      auth.dispose()`,
  },
  {
    name: 'password-login (Axiom, OTP callback)',
    pkg: 'password-login',
    body: `
      const c = ctx.credentials.axiom
      const auth = mod.createAxiomAuth({ email: c.email, password: c.password, otp: async () => ctx.otpCode, baseURL: ctx.urls.axiom, env: false })
      const info = await auth.fetch<{ authenticatedWith?: string; email?: string }>('/user/info')
      check(info.authenticatedWith === 'cookie' && info.email === c.email, 'Axiom /user/info was not authenticated with the session cookie')
      auth.dispose()`,
  },
  {
    name: 'store-file (engine session persisted on disk)',
    pkg: 'store-file',
    body: `
      const c = ctx.credentials.tradeready
      const flow: core.AuthFlow = {
        name: 'tradeready',
        packageName: 'install-check',
        baseURL: ctx.urls.tradeready,
        async acquire(fc) {
          const { data } = await fc.request({ url: '/auth/login', json: { api_key: c.apiKey, api_secret: c.apiSecret } })
          const login = data as { token: string; expires_at: string }
          const expiresAt = fc.expiry({ expiresAt: login.expires_at })
          return expiresAt === undefined ? { accessToken: login.token } : { accessToken: login.token, expiresAt }
        },
        apply(tokens, request) {
          if (tokens) request.headers.set('authorization', 'Bearer ' + tokens.accessToken)
        },
      }
      const store = mod.createFileTokenStore({ dir: ctx.workDir + '/store-' + ctx.style, env: {} })
      const first = core.createSession(flow, { store })
      const info = await first.fetch<{ account_id?: string }>('/account/info')
      check(info.account_id === c.accountId, 'TradeReady /account/info did not answer through the file-stored session')
      first.dispose()
      check(await store.has(await first.storeKey()), 'the token set was not written to the file store')
      const second = core.createSession(flow, { store })
      await second.ensureValid()
      check(second.accessToken === first.accessToken, 'a second session did not load the token from the file store')
      second.dispose()
      // The envelope sub-path shares core's error classes (one copy of them in ESM and in CJS).
      const envelope = await load('@authmux/core/envelope')
      const key = await envelope.importStoreKey(new Uint8Array(32).fill(7))
      const failure: unknown = await envelope.openTokenSet(key, 'am1.not.sealed').catch((error: unknown) => error)
      check(failure instanceof core.StoreError && failure instanceof core.AuthError, '@authmux/core/envelope threw an error that is not the StoreError class of @authmux/core')`,
  },
  {
    name: 'store-redis (no server: a typed StoreError)',
    pkg: 'store-redis',
    body: `
      // Nothing listens on ctx.redisUrl: a read must fail fast with core's StoreError, not hang or leak an ioredis error.
      const store = mod.createRedisTokenStore({ url: ctx.redisUrl, key: new Uint8Array(32).fill(9), connectTimeoutMs: 300, commandTimeoutMs: 300, env: {} })
      const failure: unknown = await store.get('install-check').catch((error: unknown) => error)
      check(failure instanceof core.StoreError && failure instanceof mod.StoreError, 'reading from an unreachable Redis did not fail with the StoreError class of @authmux/core: ' + String(failure))
      await store.close()`,
  },
  {
    name: 'testkit (emulators answer only authenticated calls)',
    pkg: 'testkit',
    body: `
      const emu = await mod.startEmulators()
      try {
        const url = emu.urls.aionmarket + '/agents/me'
        const anonymous = await fetch(url)
        check(anonymous.status === 401, 'the AionMarket emulator answered ' + anonymous.status + ' to a call without a key')
        const keyed = await fetch(url, { headers: { authorization: 'Bearer ' + emu.credentials.aionmarket.apiKey } })
        const me = (await keyed.json()) as { authenticatedWith?: string }
        check(keyed.status === 200 && me.authenticatedWith === 'bearer', 'the AionMarket emulator did not accept its own demo key')
      } finally {
        await emu.close()
      }`,
  },
]

/** The TypeScript source of one check program: `style` 'esm' (a .mts file) or 'cjs' (a .cts file). */
export function checkSource(style, pkgName, body) {
  const load = style === 'esm' ? 'import(specifier)' : 'Promise.resolve(require(specifier))'
  return `import * as mod from '${pkgName}'
import * as core from '@authmux/core'

interface CheckContext {
  urls: Record<string, string>
  credentials: Record<string, Record<string, string>>
  workDir: string
  otpCode: string
  redisUrl: string
  style: string
}
const check = (ok: boolean, message: string): void => {
  if (!ok) throw new Error(message)
}
const load = (specifier: string): Promise<any> => ${load}
const ctx: CheckContext = { ...(JSON.parse(process.env.INSTALL_CHECK_CTX ?? '{}') as Omit<CheckContext, 'style'>), style: '${style}' }

async function main(): Promise<void> {
  check(typeof core.createSession === 'function', '@authmux/core did not load')${body}
}
main().then(
  () => console.log('ok: ${style}'),
  (error: unknown) => {
    console.error('${style} check failed:', error)
    process.exit(1)
  },
)
`
}

/** The env that hands a check program its context (emulator URLs and demo credentials, work dir, OTP code). */
export const checkEnv = (env, ctx) => ({ ...env, INSTALL_CHECK_CTX: JSON.stringify(ctx) })

/** Names (without scope) of the @authmux packages installed in a project's node_modules, sorted. */
export function installedAuthmux(dir) {
  const scope = join(dir, 'node_modules', '@authmux')
  return existsSync(scope) ? readdirSync(scope).sort() : []
}

/** A problem message when exactly `expected` (plus core) is not what arrived under node_modules/@authmux. */
export function onlyExpected(dir, expected) {
  const want = [...new Set(['core', ...expected])].sort()
  const got = installedAuthmux(dir)
  return got.join() === want.join() ? undefined : `expected only ${want.join(', ')} under node_modules/@authmux, found ${got.join(', ') || 'nothing'}`
}
