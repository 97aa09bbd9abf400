// The runtime smoke suite: the public API of core and every preset, against the testkit emulators (which run in
// Node, in scripts/gates/runtimes.mjs). Plain ESM on Web APIs only, so the same file runs on Node, Bun, Deno and —
// bundled — workerd. Each check is pass, fail, or n/a (the runtime lacks what the check needs; the reason is kept).
import { createApalaAuth } from '@authmux/api-key-refresh'
import { createAionMarketAuth, verifyWebhookSignature, computeWebhookSignature } from '@authmux/bearer'
import { AuthError, ConfigError, composeAuth, InvalidCredentialsError, MemoryTokenStore } from '@authmux/core'
import { createProjectXAuth } from '@authmux/key-secret-jwt'
import { createTradeReadyAuth } from '@authmux/key-secret-jwt/stream'
import { createAxiomAuth } from '@authmux/password-login/stream'

class NotApplicable extends Error {}

function check(condition, message) {
  if (!condition) throw new Error(message)
}

/** Resolves once `condition()` holds, or rejects after `timeoutMs`. */
async function until(condition, what, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Every secret of the run, for the redaction checks. */
function secretsOf(credentials) {
  const out = []
  const walk = (value, key = '') => {
    if (typeof value === 'string' && /key|secret|password/i.test(key) && value.length >= 6) out.push(value)
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k)
  }
  walk(credentials)
  return out
}

function assertNoSecret(text, secrets, where) {
  for (const secret of secrets) check(!text.includes(secret), `${where} contains a credential`)
  check(!/eyJ[\w-]{8,}\.[\w-]{8,}\./.test(text), `${where} contains a JWT`)
}

/**
 * Runs every check. `config`: `{ urls, streamUrls, credentials, otpCode, controlURL }` from the gate; `controlURL`
 * takes `POST {action, ...}` to steer the emulators (inject a fault, reset rate limits).
 */
export async function runSmoke(config) {
  const { urls, credentials: c, otpCode } = config
  const secrets = secretsOf(c)
  const control = async (body) => {
    const response = await fetch(config.controlURL, { method: 'POST', body: JSON.stringify(body) })
    check(response.ok, `control ${body.action} answered ${response.status}`)
  }
  const made = []
  const track = (auth) => {
    made.push(auth)
    return auth
  }
  const common = () => ({ env: false, store: new MemoryTokenStore(), retry: { maxRetries: 1, baseDelayMs: 20, maxDelayMs: 100 } })
  const hasWebSocket = typeof globalThis.WebSocket === 'function'

  const checks = {
    'bearer: static key attached (AionMarket me)': async () => {
      const aion = track(createAionMarketAuth({ ...common(), apiKey: c.aionmarket.apiKey, baseURL: urls.aionmarket }))
      const agent = await aion.me()
      check(agent.agentId === c.aionmarket.agentId, 'wrong agent')
      check(agent.details.authenticatedWith === 'bearer', 'key not attached as a bearer')
    },

    'bearer: webhook signature (Web Crypto HMAC)': async () => {
      const signature = await computeWebhookSignature('{"a":1}', 'whsec')
      check(await verifyWebhookSignature({ payload: '{"a":1}', signature, secret: 'whsec' }), 'valid signature refused')
      check(!(await verifyWebhookSignature({ payload: '{"a":2}', signature, secret: 'whsec' })), 'forged signature accepted')
    },

    'key-secret-jwt: TradeReady X-API-Key route, JWT route, renewal': async () => {
      await control({ action: 'resetRateLimits' })
      const tradeready = track(createTradeReadyAuth({ ...common(), apiKey: c.tradeready.apiKey, apiSecret: c.tradeready.apiSecret, baseURL: urls.tradeready }))
      const logins = []
      tradeready.on('login', (event) => logins.push(event))
      const account = await tradeready.fetch('/account/info')
      check(account.authenticatedWith === 'x-api-key', 'account/info not sent with X-API-Key')
      const agents = await tradeready.fetch('/agents')
      check(agents.authenticatedWith === 'bearer', 'agents not sent with the JWT')
      await tradeready.refresh()
      check(logins.length === 2 && tradeready.status().state === 'valid', `expected 2 logins, saw ${logins.length}`)
    },

    'key-secret-jwt: ProjectX login, validate, logout': async () => {
      const projectx = track(createProjectXAuth({ ...common(), username: c.projectx.userName, apiKey: c.projectx.apiKey, baseURL: urls.projectx }))
      const account = await projectx.account()
      check(account.id === c.projectx.accountId, 'wrong account')
      const refreshed = []
      projectx.on('refresh', (event) => refreshed.push(event))
      await projectx.refresh()
      check(refreshed.length === 1, 'no refresh event after /Auth/validate')
      await projectx.logout()
      check(projectx.status().state === 'signed-out' && projectx.accessToken === undefined, 'still signed in after logout')
    },

    'api-key-refresh: Apala exchange, refresh, 401 → renew + replay': async () => {
      const apala = track(createApalaAuth({ ...common(), apiKey: c.apala.apiKey, baseURL: urls.apala }))
      const body = { message: { content: 'hi', channel: 'SMS' } }
      const first = await apala.fetch('/api/message_optimizer', { method: 'POST', body })
      check(first.authenticatedWith === 'bearer', 'token not attached')
      const before = apala.accessToken
      await apala.refresh()
      check(apala.accessToken && apala.accessToken !== before, 'refresh kept the old token')
      await control({ action: 'inject', rule: { provider: 'apala', path: '/api/message_optimizer', fault: 401 } })
      const renewed = apala.accessToken
      const replayed = await apala.fetch('/api/message_optimizer', { method: 'POST', body })
      check(replayed.authenticatedWith === 'bearer', 'replay failed')
      check(apala.accessToken !== renewed, 'the 401 did not renew the token')
    },

    'password-login: Axiom password hash (PBKDF2), one-time code, cookies': async () => {
      const axiom = track(createAxiomAuth({ ...common(), email: c.axiom.email, password: c.axiom.password, otp: async () => otpCode, baseURL: urls.axiom }))
      const me = await axiom.fetch('/user/info')
      check(me.authenticatedWith === 'cookie' && me.email === c.axiom.email, 'cookie session not attached')
    },

    'password-login: a runtime that caps PBKDF2 (hosted Workers: 100,000) fails the login with a typed ConfigError': async () => {
      const subtle = globalThis.crypto.subtle
      const original = subtle.deriveBits
      try {
        subtle.deriveBits = async () => {
          throw new DOMException('Pbkdf2 failed: iteration counts above 100000 are not supported (requested 600000).', 'NotSupportedError')
        }
      } catch {
        throw new NotApplicable('crypto.subtle.deriveBits cannot be replaced here')
      }
      try {
        const axiom = track(createAxiomAuth({ ...common(), email: 'cap@axiom.test', password: 'pbkdf2-cap-pw', otp: async () => otpCode, baseURL: urls.axiom }))
        const error = await axiom.login().catch((e) => e)
        check(error instanceof AuthError && error.code === 'CONFIG', `expected a ConfigError, got ${error?.name ?? 'success'}`)
        check(/100000|PBKDF2/i.test(error.message), 'the message does not name the cause')
      } finally {
        subtle.deriveBits = original
      }
    },

    'store-file: encrypted token store on disk, shared by two strategies (node:fs)': async () => {
      if (!globalThis.process?.versions?.node || !config.storeDir) throw new NotApplicable('no node:fs')
      // A specifier in a variable: bundlers leave it alone, so the Worker bundle never tries to include node:fs.
      const storeFile = '@authmux/store-file'
      const { createFileTokenStore } = await import(/* @vite-ignore */ storeFile)
      const options = { dir: config.storeDir, env: {} }
      const first = track(createApalaAuth({ ...common(), store: createFileTokenStore(options), apiKey: c.apala.apiKey, baseURL: urls.apala }))
      await first.login()
      const second = track(createApalaAuth({ ...common(), store: createFileTokenStore(options), apiKey: c.apala.apiKey, baseURL: urls.apala }))
      const sources = []
      second.on('login', ({ source }) => sources.push(source))
      await second.ensureValid()
      check(second.accessToken === first.accessToken && sources.join() === 'store', `expected the stored session, saw ${sources.join() || 'none'}`)
    },

    'core: composeAuth routes by URL and refuses an unowned one': async () => {
      const aion = track(createAionMarketAuth({ ...common(), apiKey: c.aionmarket.apiKey, baseURL: urls.aionmarket }))
      const apala = track(createApalaAuth({ ...common(), apiKey: c.apala.apiKey, baseURL: urls.apala }))
      const bot = composeAuth(aion, apala)
      const agent = await bot.fetch(`${urls.aionmarket}/agents/me`)
      check(agent.authenticatedWith === 'bearer', 'composed fetch did not authenticate')
      check(bot.strategyFor(`${urls.apala}/api/feedback`) === apala, 'wrong route')
      const error = await bot.fetch('https://example.invalid/x').catch((e) => e)
      check(error instanceof ConfigError && error.code === 'URL_NOT_OWNED', 'unowned URL not refused')
    },

    'core: errors are typed, and no secret in messages, JSON or events': async () => {
      await control({ action: 'resetRateLimits' })
      const events = []
      const wrong = track(createTradeReadyAuth({ ...common(), apiKey: c.tradeready.apiKey, apiSecret: `${c.tradeready.apiSecret}x`, baseURL: urls.tradeready }))
      wrong.on('error', (event) => events.push(event))
      const error = await wrong.fetch('/agents').catch((e) => e)
      check(error instanceof InvalidCredentialsError && error instanceof AuthError, `expected InvalidCredentialsError, got ${error?.name}`)
      const good = track(createApalaAuth({ ...common(), apiKey: c.apala.apiKey, baseURL: urls.apala }))
      await good.login()
      const seen = [String(error), error.stack ?? '', JSON.stringify(error), JSON.stringify(events), JSON.stringify(good), JSON.stringify(wrong)].join('\n')
      assertNoSecret(seen.replaceAll(`${c.tradeready.apiSecret}x`, '[the wrong secret]'), secrets, 'error/event/strategy output')
      check(!seen.includes(`${c.tradeready.apiSecret}x`), 'the wrong secret was printed')
    },

    'streams: TradeReady ticker (key in the query; `ws` where it loads, else the runtime WebSocket)': async () => {
      await control({ action: 'resetRateLimits' })
      const tradeready = track(createTradeReadyAuth({ ...common(), apiKey: c.tradeready.apiKey, apiSecret: c.tradeready.apiSecret, baseURL: urls.tradeready }))
      const stream = tradeready.connectWebSocket({ reconnect: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 200 } })
      const messages = []
      stream.on('message', ({ data }) => messages.push(data))
      try {
        const key = await stream.subscribe({ channel: 'ticker', symbol: 'BTCUSDT' })
        check(key === 'ticker:BTCUSDT', `unexpected channel key ${key}`)
        await until(() => messages.some((m) => m.includes('BTCUSDT')), 'a ticker message')
      } finally {
        await stream.close()
      }
    },

    'streams: Axiom cookie feed on a standard WebSocket is a typed ConfigError': async () => {
      if (!hasWebSocket) throw new NotApplicable('no globalThis.WebSocket')
      const axiom = track(createAxiomAuth({ ...common(), accessToken: 'a.b.c', refreshToken: 'r', baseURL: urls.axiom }))
      const feed = axiom.connectWebSocket({ WebSocket: globalThis.WebSocket, reconnect: { maxAttempts: 1 } })
      const errors = []
      feed.on('error', ({ error }) => errors.push(error))
      try {
        await until(() => errors.length > 0, 'the error event')
        check(errors[0] instanceof ConfigError, `expected ConfigError, got ${errors[0]?.name}`)
      } finally {
        await feed.close()
      }
    },
  }

  const results = []
  for (const [name, run] of Object.entries(checks)) {
    const started = Date.now()
    try {
      await run()
      results.push({ name, status: 'pass', ms: Date.now() - started })
    } catch (error) {
      const status = error instanceof NotApplicable ? 'n/a' : 'fail'
      const detail = error instanceof AuthError ? `${error.name} ${error.code}: ${error.message}` : String(error?.message ?? error)
      results.push({ name, status, ms: Date.now() - started, detail })
    }
  }
  for (const auth of made) auth.dispose()
  return results
}
