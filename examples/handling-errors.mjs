// Every failure you can see is an AuthError with a `code` from one closed list. This example provokes the common
// ones against local emulators (fault injection needs them in this process) and handles them with one function:
// the same table as docs/handling-errors.md.
//
//   node examples/handling-errors.mjs
import { AuthError, ConfigError, MemoryTokenStore } from '@authmux/core'
import { importStoreKey, openTokenSet, sealTokenSet } from '@authmux/core/envelope'
import { createTradeReadyAuth } from '@authmux/key-secret-jwt'
import { createAxiomAuth } from '@authmux/password-login'
import { startEmulators } from '@authmux/testkit'

/** What a bot does about each code. */
function advice(error) {
  if (!(error instanceof AuthError)) return 'not an authmux error: a bug, rethrow it'
  switch (error.code) {
    case 'INVALID_CREDENTIALS':
      return 'fix the key / secret / password; retrying will not help'
    case 'TOKEN_EXPIRED':
    case 'SIGNED_OUT':
      return 'log in again (pass credentials, or `authmux login <provider>`)'
    case 'RATE_LIMITED':
      return `wait ${error.retryAfterMs ?? '?'} ms, then retry`
    case 'PROVIDER_ERROR':
      return `the provider said no (HTTP ${error.status}${error.providerCode ? `, ${error.providerCode}` : ''}): read the message`
    case 'NETWORK_ERROR':
    case 'TIMEOUT':
      return 'transient: retry later with backoff; check baseURL if it persists'
    case 'RESPONSE_SHAPE':
      return `the answer did not have the expected shape (field "${error.field}"): check baseURL, report an API change`
    case 'OTP_REQUIRED':
      return 'pass an otp callback, or import tokens'
    case 'INSECURE_TRANSPORT':
      return 'use https (or allowInsecureHttp for a trusted network)'
    case 'CONFIG':
    case 'URL_NOT_OWNED':
      return `fix the option "${error.field}"`
    default:
      return error.code.startsWith('STORE_') ? 'the store entry is unusable: a fresh login follows' : 'see docs/handling-errors.md'
  }
}

async function show(title, attempt) {
  try {
    await attempt()
    console.log(`${title}: no error`)
  } catch (error) {
    console.log(`${title}: ${error.name} ${error.code} → ${advice(error)}`)
  }
}

const emu = await startEmulators()
const { tradeready: tr } = emu.credentials
const tradeready = (options = {}) => createTradeReadyAuth({ apiKey: tr.apiKey, apiSecret: tr.apiSecret, baseURL: emu.urls.tradeready, env: false, ...options })
const made = []
const track = (auth) => {
  made.push(auth)
  return auth
}

try {
  await show('wrong secret', () => track(tradeready({ apiSecret: 'sk_live_wrong' })).fetch('/agents'))
  await show('no key at all', async () => createTradeReadyAuth({ env: false }))
  await show('plain http to a remote host', async () => createTradeReadyAuth({ apiKey: tr.apiKey, baseURL: 'http://api.example.com/v1', env: false }))
  await show('a URL outside the base URL', () => track(tradeready()).fetch('https://example.com/elsewhere'))
  await show('session-only, nothing saved', () =>
    track(createTradeReadyAuth({ storeKey: 'tradeready:nobody', store: new MemoryTokenStore(), baseURL: emu.urls.tradeready, env: false })).fetch('/agents'),
  )

  emu.faults.inject({ provider: 'tradeready', path: '/account/info', fault: { kind: 'rate-limit', retryAfterSeconds: 120 } })
  await show('429 longer than maxRateLimitWaitMs', () => track(tradeready({ maxRateLimitWaitMs: 1_000 })).fetch('/account/info'))

  emu.faults.inject({ provider: 'tradeready', path: '/trade/order', fault: 500 })
  await show('500 on an order (not retried)', () => track(tradeready()).fetch('/trade/order', { method: 'POST', body: { symbol: 'BTCUSDT' } }))

  emu.faults.inject({ provider: 'tradeready', path: '/auth/login', fault: 'malformed-json' })
  await show('login answer that is not JSON', () => track(tradeready({ retry: { maxRetries: 0 } })).fetch('/agents'))

  emu.faults.inject({ provider: 'tradeready', path: '/account/info', fault: { kind: 'delay', delayMs: 1_500 } })
  await show('no answer within requestTimeoutMs', () => track(tradeready({ requestTimeoutMs: 300, retry: { maxRetries: 0 } })).fetch('/account/info'))

  await show('nothing listening', () => track(tradeready({ baseURL: 'http://127.0.0.1:9/api/v1', retry: { maxRetries: 0 } })).fetch('/account/info'))

  const { email, password } = emu.credentials.axiom
  await show('Axiom login without an otp callback', () => track(createAxiomAuth({ email, password, baseURL: emu.urls.axiom, env: false })).login())

  await show('a sealed token set opened with another key', async () => {
    const sealed = await sealTokenSet(await importStoreKey(new Uint8Array(32).fill(1)), { accessToken: 'x' }, 'slot')
    await openTokenSet(await importStoreKey(new Uint8Array(32).fill(2)), sealed, 'slot')
  })

  // Errors serialise without secrets: name, code, provider, message, status.
  const error = await track(tradeready({ apiSecret: 'sk_live_wrong' }))
    .login()
    .catch((e) => e)
  console.log(`JSON: ${JSON.stringify(error)}`)
  console.log(`instanceof: AuthError ${error instanceof AuthError}, ConfigError ${error instanceof ConfigError}`)
  console.log('handling errors example: done')
} finally {
  for (const auth of made) auth.dispose()
  await emu.close()
}
