// One bot, five providers, one fetch: composeAuth sends each absolute URL to the strategy that owns it (by origin,
// then the longest base path) and refuses a URL no strategy owns before anything is sent.
//
//   node examples/composed-bot.mjs          all five against local emulators started by the example
//   TRADEREADY_API_KEY=… APALA_API_KEY=… …  only the providers whose credentials are set, on the real services
import { createApalaAuth } from '@authmux/api-key-refresh'
import { createAionMarketAuth } from '@authmux/bearer'
import { AuthError, composeAuth, MemoryTokenStore } from '@authmux/core'
import { createProjectXAuth, createTradeReadyAuth } from '@authmux/key-secret-jwt'
import { createAxiomAuth } from '@authmux/password-login'
import { exampleEnv } from './lib/example-env.mjs'

const KEYS = ['AIONMARKET_API_KEY', 'TRADEREADY_API_KEY', 'PROJECT_X_API_KEY', 'APALA_API_KEY', 'AXIOM_PASSWORD']
const { env, close } = await exampleEnv(KEYS)

// One store for every provider (a bot would use createFileTokenStore() or createRedisTokenStore()).
const common = { store: new MemoryTokenStore(), env: false }
const bots = []
if (env.AIONMARKET_API_KEY) {
  const auth = createAionMarketAuth({ ...common, apiKey: env.AIONMARKET_API_KEY, baseURL: env.AIONMARKET_BASE_URL })
  bots.push({ auth, path: '/agents/me' })
}
if (env.TRADEREADY_API_KEY) {
  const auth = createTradeReadyAuth({ ...common, apiKey: env.TRADEREADY_API_KEY, apiSecret: env.TRADEREADY_API_SECRET, baseURL: env.TRADEREADY_API_URL })
  bots.push({ auth, path: '/agents' })
}
if (env.PROJECT_X_API_KEY) {
  const auth = createProjectXAuth({ ...common, username: env.PROJECT_X_USERNAME, apiKey: env.PROJECT_X_API_KEY, baseURL: env.PROJECTX_API_URL })
  bots.push({ auth, path: '/Account/search', method: 'POST', body: { onlyActiveAccounts: true } })
}
if (env.APALA_API_KEY) {
  const auth = createApalaAuth({ ...common, apiKey: env.APALA_API_KEY, baseURL: env.APALA_BASE_URL })
  bots.push({ auth, path: '/api/message_optimizer', method: 'POST', body: { message: { content: 'Payment due Friday', channel: 'SMS' } } })
}
if (env.AXIOM_PASSWORD) {
  const otp = env.AXIOM_OTP_CODE ? async () => env.AXIOM_OTP_CODE : undefined // without a code source: OtpRequiredError
  const auth = createAxiomAuth({ ...common, email: env.AXIOM_EMAIL, password: env.AXIOM_PASSWORD, otp, baseURL: env.AXIOM_BASE_URL })
  bots.push({ auth, path: '/user/info' })
}

const bot = composeAuth(...bots.map(({ auth }) => auth))
for (const { auth } of bots) auth.on('error', ({ error, during }) => console.log(`${auth.name}: error during ${during}: ${error.code}`))

try {
  // Two rounds through the composed fetch: the first logs in where needed, the second reuses every token.
  for (const round of [1, 2]) {
    const results = await Promise.allSettled(
      bots.map(({ auth, path, method, body }) => bot.fetch(`${auth.baseURL.replace(/\/+$/, '')}${path}`, { method, body })),
    )
    const ok = results.filter((r) => r.status === 'fulfilled').length
    console.log(`round ${round}: ${ok}/${results.length} providers answered`)
    for (const [i, result] of results.entries()) {
      if (result.status === 'rejected') {
        const error = result.reason
        console.log(`  ${bots[i].auth.name}: ${error instanceof AuthError ? `${error.name} ${error.code}: ${error.message}` : error}`)
      }
    }
  }

  for (const { auth } of bots) {
    const { state, expiresAt } = auth.status()
    const left = expiresAt === undefined ? 'no expiry' : `${Math.round((expiresAt - Date.now()) / 1000)} s left`
    console.log(`${auth.name.padEnd(10)} ${state.padEnd(10)} ${left}`)
  }

  // A URL no strategy owns is refused before any request: credentials never go elsewhere.
  try {
    await bot.fetch('https://example.com/steal')
  } catch (error) {
    console.log(`unowned URL: ${error.name} ${error.code}`)
  }
  console.log(`composed bot example: done (${bots.map(({ auth }) => auth.name).join(', ')})`)
} finally {
  for (const { auth } of bots) auth.dispose()
  await close()
}
