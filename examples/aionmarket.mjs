// AionMarket (@authmux/bearer): a static API key sent as `Authorization: Bearer <key>` to one origin, the agent
// helpers, and what a rejected key looks like.
//
//   node examples/aionmarket.mjs                       local emulators, started by the example
//   AIONMARKET_API_KEY=… node examples/aionmarket.mjs  the real service (AIONMARKET_BASE_URL to point elsewhere)
import { computeWebhookSignature, createAionMarketAuth, KeyRejectedError, verifyWebhookSignature } from '@authmux/bearer'
import { exampleEnv } from './lib/example-env.mjs'

const { env, close } = await exampleEnv('AIONMARKET_API_KEY')
const aion = createAionMarketAuth({
  apiKey: env.AIONMARKET_API_KEY,
  baseURL: env.AIONMARKET_BASE_URL, // undefined: https://api.aionmarket.com/bvapi
  userAgent: 'authmux-example/1.0',
})

try {
  const agent = await aion.me() // GET /agents/me: the agent behind the key, and a key check
  console.log(`agent ${agent.name} (${agent.agentId})`)

  const keys = await aion.listApiKeys() // fingerprints or masked keys, never key values
  console.log(`keys: ${keys.map((key) => `${key.keyName} (${key.status})`).join(', ')}`)

  // Any other endpoint: strategy.fetch is an ofetch instance bound to the base URL: it returns the parsed body and
  // throws a typed AuthError on a non-2xx answer.
  const raw = await aion.fetch('/agents/me')
  console.log(`fetch('/agents/me') → ${Object.keys(raw).length} fields, state ${aion.status().state}`)

  // Webhooks: HMAC-SHA256 of the raw body, compared in constant time.
  const payload = JSON.stringify({ event: 'order.filled' })
  const signature = await computeWebhookSignature(payload, 'whsec-example')
  console.log(`webhook signature valid: ${await verifyWebhookSignature({ payload, signature, secret: 'whsec-example' })}`)

  // A wrong key is a KeyRejectedError (an InvalidCredentialsError): never retried, and the key never printed.
  const wrong = createAionMarketAuth({ apiKey: 'not-a-real-key-0000', baseURL: env.AIONMARKET_BASE_URL, env: false })
  try {
    await wrong.me()
  } catch (error) {
    if (!(error instanceof KeyRejectedError)) throw error
    console.log(`a wrong key: ${error.name} ${error.code} (HTTP ${error.status})`)
  }
  console.log('aionmarket example: done')
} finally {
  aion.dispose()
  await close()
}
