// TradeReady (@authmux/key-secret-jwt): key + secret exchanged for a JWT on the routes that need one, X-API-Key on the
// others; the JWT is renewed before it expires. Shows the events, status(), getHeaders() and logout().
//
//   node examples/tradeready.mjs                                              local emulators
//   TRADEREADY_API_KEY=… TRADEREADY_API_SECRET=… node examples/tradeready.mjs  the real service
//   DEBUG=authmux:* node examples/tradeready.mjs                              with redacted debug lines on stderr
import { createTradeReadyAuth } from '@authmux/key-secret-jwt'
import { exampleEnv } from './lib/example-env.mjs'

const { env, close } = await exampleEnv('TRADEREADY_API_KEY')
const tradeready = createTradeReadyAuth({
  apiKey: env.TRADEREADY_API_KEY,
  apiSecret: env.TRADEREADY_API_SECRET,
  baseURL: env.TRADEREADY_API_URL, // undefined: https://api.tradeready.io/api/v1
  env: false, // read nothing else from the environment: everything is passed here
})

// Event payloads never carry a token: the provider, when, and the new expiry.
tradeready.on('login', ({ source, expiresAt }) => console.log(`event login (from ${source}), expires ${new Date(expiresAt).toISOString()}`))
tradeready.on('refresh', ({ background }) => console.log(`event refresh (${background ? 'background' : 'on demand'})`))
tradeready.on('logout', () => console.log('event logout'))
tradeready.on('error', ({ error, during }) => console.log(`event error during ${during}: ${error.code}`))

try {
  console.log(`before the first call: ${tradeready.status().state}`) // signed-out: logins are lazy

  const account = await tradeready.fetch('/account/info') // X-API-Key route: no login needed
  console.log(`account ${account.display_name}, status ${account.status}`)

  const { agents } = await tradeready.fetch('/agents') // JWT route: logs in on demand, once
  console.log(`agents: ${agents.length}, state ${tradeready.status().state}`)
  console.log(`rate limit: ${tradeready.rateLimit?.remaining} of ${tradeready.rateLimit?.limit} left`)

  // Headers for your own HTTP client (names only here: the values are secrets).
  const headers = await tradeready.getHeaders({ url: '/agents', method: 'GET' })
  console.log(`getHeaders('/agents') → ${Object.keys(headers).join(', ')}`)

  await tradeready.refresh() // TradeReady has no refresh endpoint: a renewal is a fresh key + secret login
  await tradeready.logout() // clears memory and the store
  console.log(`after logout: ${tradeready.status().state}`)
  console.log('tradeready example: done')
} finally {
  tradeready.dispose() // stops the background refresh timer
  await close()
}
