#!/usr/bin/env node
// "Install a single provider package" gate. Packs every package with `pnpm pack` (workspace:^ ranges become real
// versions), then for each provider package creates an empty temp project, installs only that tarball plus
// @authmux/core's tarball with npm (third-party dependencies come from the registry), and from that project runs the
// same check twice — once imported as ESM, once required as CJS — making an authenticated call to a testkit emulator
// started here (from the workspace build). Usage: node scripts/gates/pack-install.mjs [scenario…] (run `pnpm build` first).
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const PACKAGES = ['core', 'bearer', 'key-secret-jwt', 'api-key-refresh', 'password-login', 'store-file']
const OTP_CODE = '246810'

/**
 * One scenario per provider package. `body` runs inside an async function with `mod` (the provider package),
 * `core` (@authmux/core) and `ctx` ({ urls, credentials, workDir, style }) in scope; it throws on failure.
 */
const SCENARIOS = [
  {
    name: 'bearer (AionMarket)',
    pkg: 'bearer',
    body: `
      const auth = mod.createAionMarketAuth({ apiKey: ctx.credentials.aionmarket.apiKey, baseURL: ctx.urls.aionmarket })
      const me = await auth.fetch('/agents/me')
      check(me.authenticatedWith === 'bearer', 'AionMarket /agents/me was not authenticated with the bearer key')`,
  },
  {
    name: 'key-secret-jwt (TradeReady + ProjectX)',
    pkg: 'key-secret-jwt',
    body: `
      const c = ctx.credentials
      const tr = mod.createTradeReadyAuth({ apiKey: c.tradeready.apiKey, apiSecret: c.tradeready.apiSecret, baseURL: ctx.urls.tradeready })
      const info = await tr.fetch('/account/info')
      check(info.account_id === c.tradeready.accountId && info.authenticatedWith, 'TradeReady /account/info did not answer for the demo account')
      tr.dispose()
      const px = mod.createProjectXAuth({ username: c.projectx.userName, apiKey: c.projectx.apiKey, baseURL: ctx.urls.projectx })
      const accounts = await px.fetch('/Account/search', { method: 'POST', body: { onlyActiveAccounts: true } })
      check(accounts.success === true && accounts.authenticatedWith === 'bearer', 'ProjectX /Account/search was not authenticated')
      check(typeof px.accessToken === 'string', 'ProjectX holds no session token after the call')
      px.dispose()`,
  },
  {
    name: 'api-key-refresh (Apala)',
    pkg: 'api-key-refresh',
    body: `
      const auth = mod.createApalaAuth({ apiKey: ctx.credentials.apala.apiKey, baseURL: ctx.urls.apala })
      const out = await auth.fetch('/api/message_optimizer', { method: 'POST', body: { candidate_message: 'hello from ' + ctx.style } })
      check(out.authenticatedWith === 'bearer' && typeof out.message_id === 'string', 'Apala /api/message_optimizer was not authenticated')
      auth.dispose()`,
  },
  {
    name: 'password-login (Axiom, OTP callback)',
    pkg: 'password-login',
    body: `
      const c = ctx.credentials.axiom
      const auth = mod.createAxiomAuth({ email: c.email, password: c.password, otp: async () => ctx.otpCode, baseURL: ctx.urls.axiom, env: false })
      const info = await auth.fetch('/user/info')
      check(info.authenticatedWith === 'cookie' && info.email === c.email, 'Axiom /user/info was not authenticated with the session cookie')
      auth.dispose()`,
  },
  {
    name: 'store-file (engine session persisted on disk)',
    pkg: 'store-file',
    body: `
      const c = ctx.credentials.tradeready
      const flow = {
        name: 'tradeready',
        packageName: 'pack-install-check',
        baseURL: ctx.urls.tradeready,
        async acquire(fc) {
          const { data } = await fc.request({ url: '/auth/login', json: { api_key: c.apiKey, api_secret: c.apiSecret } })
          return { accessToken: data.token, expiresAt: fc.expiry({ expiresAt: data.expires_at }) }
        },
        apply(tokens, request) { request.headers.set('authorization', 'Bearer ' + tokens.accessToken) },
      }
      const store = mod.createFileTokenStore({ dir: ctx.workDir + '/store-' + ctx.style, env: {} })
      const first = core.createSession(flow, { store })
      const info = await first.fetch('/account/info')
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
      const failure = await envelope.openTokenSet(key, 'am1.not.sealed').catch((error) => error)
      check(failure instanceof core.StoreError && failure instanceof core.AuthError, '@authmux/core/envelope threw an error that is not the StoreError class of @authmux/core')`,
  },
]

const run = (cmd, args, opts = {}) =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('close', (code) => resolve({ code, out }))
  })

function program(style, pkgName, body) {
  const load = style === 'esm' ? '(specifier) => import(specifier)' : '(specifier) => Promise.resolve(require(specifier))'
  const prelude = `const check = (ok, message) => { if (!ok) throw new Error(message) }\nconst load = ${load}\nconst ctx = { ...JSON.parse(process.env.PACK_INSTALL_CTX), style: '${style}' }\n`
  const main = `async function main() {${body}\n}\nmain().then(() => console.log('ok: ${style}'), (error) => { console.error('${style} check failed:', error); process.exit(1) })\n`
  if (style === 'esm') return `import * as mod from '${pkgName}'\nimport * as core from '@authmux/core'\n${prelude}${main}`
  return `const mod = require('${pkgName}')\nconst core = require('@authmux/core')\n${prelude}${main}`
}

async function main() {
  const wanted = process.argv.slice(2)
  const scenarios = SCENARIOS.filter((s) => wanted.length === 0 || wanted.some((w) => s.pkg === w || s.name.includes(w)))
  for (const name of PACKAGES) {
    if (!existsSync(join(root, 'packages', name, 'dist'))) {
      console.error(`pack-install: packages/${name}/dist is missing — run \`pnpm build\` first`)
      process.exit(1)
    }
  }
  const work = mkdtempSync(join(tmpdir(), 'authmux-pack-'))
  const tarballs = join(work, 'tarballs')
  mkdirSync(tarballs)
  try {
    for (const name of PACKAGES) {
      const packed = await run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(root, 'packages', name) })
      if (packed.code !== 0) throw new Error(`pnpm pack failed in packages/${name}:\n${packed.out}`)
    }
    const tarballOf = (name) => {
      const file = readdirSync(tarballs).find((f) => f.startsWith(`authmux-${name}-`) && f.endsWith('.tgz'))
      if (!file) throw new Error(`no tarball for @authmux/${name}`)
      return join(tarballs, file)
    }
    // Sanity: the packed manifests carry no workspace: ranges.
    for (const name of PACKAGES) {
      const listing = await run('tar', ['-xzOf', tarballOf(name), 'package/package.json'])
      if (listing.out.includes('workspace:')) throw new Error(`@authmux/${name}'s packed package.json still has a workspace: range`)
    }

    const { startEmulators } = await import(pathToFileURL(join(root, 'packages/testkit/dist/index.js')).href)
    const emu = await startEmulators({ axiom: { fixedOtpCode: OTP_CODE } })
    const failures = []
    try {
      // Install every project first (npm, in parallel), then run the checks one by one.
      const projects = await Promise.all(
        scenarios.map(async (scenario) => {
          const dir = join(work, `project-${scenario.pkg}`)
          mkdirSync(dir)
          writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `check-${scenario.pkg}`, version: '1.0.0', private: true }, null, 2))
          const installed = await run(
            'npm',
            ['install', '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=error', tarballOf('core'), tarballOf(scenario.pkg)],
            { cwd: dir, env: { ...process.env, npm_config_package_lock: 'false' } },
          )
          return { scenario, dir, installed }
        }),
      )
      for (const { scenario, dir, installed } of projects) {
        const label = `@authmux/${scenario.pkg} — ${scenario.name}`
        if (installed.code !== 0) {
          failures.push(label)
          console.log(`FAIL ${label}: npm install failed\n${installed.out}`)
          continue
        }
        const deps = readdirSync(join(dir, 'node_modules', '@authmux')).sort()
        const expected = [...new Set(['core', scenario.pkg])].sort()
        if (deps.join() !== expected.join()) {
          failures.push(label)
          console.log(`FAIL ${label}: expected only ${expected.join(', ')} under node_modules/@authmux, found ${deps.join(', ')}`)
          continue
        }
        const pkgName = `@authmux/${scenario.pkg}`
        writeFileSync(join(dir, 'check.mjs'), program('esm', pkgName, scenario.body))
        writeFileSync(join(dir, 'check.cjs'), program('cjs', pkgName, scenario.body))
        const env = { ...process.env, PACK_INSTALL_CTX: JSON.stringify({ urls: emu.urls, credentials: emu.credentials, workDir: dir, otpCode: OTP_CODE }) }
        for (const file of ['check.mjs', 'check.cjs']) {
          const result = await run(process.execPath, [file], { cwd: dir, env })
          if (result.code === 0) {
            console.log(`ok   ${label} (${file === 'check.mjs' ? 'ESM import' : 'CJS require'})`)
          } else {
            failures.push(`${label} (${file})`)
            console.log(`FAIL ${label} (${file}):\n${result.out}`)
          }
        }
      }
    } finally {
      await emu.close()
    }
    if (failures.length > 0) {
      console.error(`pack-install gate: ${failures.length} failure(s): ${failures.join('; ')}`)
      process.exitCode = 1
    } else {
      console.log(`pack-install gate: ${scenarios.length} provider packages install alone with core and work from ESM and CJS`)
    }
  } finally {
    if (!process.env.PACK_INSTALL_KEEP) rmSync(work, { recursive: true, force: true })
    else console.log(`kept ${work}`)
  }
}

await main()
