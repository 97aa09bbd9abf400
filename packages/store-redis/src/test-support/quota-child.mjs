// A bot process of the fleet login-quota test: M TradeReady accounts sharing one Redis store with the other bots.
// Imports the BUILT packages (dist): run `pnpm build` first (`pnpm test` does). Never sends or prints a secret.
//   env: CHILD_REDIS (JSON store target) CHILD_STORE_KEY CHILD_PREFIX CHILD_BASE_URL CHILD_ACCOUNTS (JSON [{ apiKey,
//        apiSecret }]) CHILD_FLEET_QUOTA (JSON { maxLogins, perMs } or false)
//   parent → child: { cmd: 'go' } (every account fetches a JWT route at once)   child → parent: { type: 'ready' } | { type: 'done', … }
import { createTradeReadyAuth } from '@authmux/key-secret-jwt'
import { createRedisTokenStore } from '@authmux/store-redis'

const env = process.env
const store = createRedisTokenStore({ ...JSON.parse(env.CHILD_REDIS), key: env.CHILD_STORE_KEY, prefix: env.CHILD_PREFIX, env: {} })
const fleetQuota = JSON.parse(env.CHILD_FLEET_QUOTA)
const logins = []
const errors = []
store.on('error', (error) => errors.push(`store: ${error.name} ${error.code} ${error.message}`))
const accounts = JSON.parse(env.CHILD_ACCOUNTS).map(({ apiKey, apiSecret }) => {
  const auth = createTradeReadyAuth({ baseURL: env.CHILD_BASE_URL, apiKey, apiSecret, store, loginLimit: { fleetQuota }, backgroundRefresh: false, env: false })
  auth.on('login', (event) => {
    if (event.source === 'acquire') logins.push({ queuedMs: event.queuedMs ?? null, at: event.at })
  })
  auth.on('error', (event) => errors.push(`${event.during}: ${event.error.name} ${event.error.code ?? ''}`))
  return auth
})

async function go() {
  // `/agents` takes the JWT: each account needs a login, once for the whole fleet.
  const results = await Promise.allSettled(accounts.map((auth) => auth.fetch('/agents')))
  const failures = results.filter((r) => r.status === 'rejected').map((r) => `${r.reason?.name} ${r.reason?.code ?? ''} ${r.reason?.status ?? ''}`.trim())
  return { type: 'done', ok: results.length - failures.length, failures: [...new Set(failures)], logins, errors }
}

process.on('message', (message) => {
  if (message?.cmd === 'go') go().then((reply) => process.send(reply))
  if (message?.cmd === 'exit') store.close().finally(() => process.exit(0))
})
process.send({ type: 'ready' })
