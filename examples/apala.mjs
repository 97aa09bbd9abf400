// Apala (@authmux/api-key-refresh): an API key exchanged for an access + refresh token; the access token is renewed
// with the refresh token in the background, and the key is exchanged again when renewal is refused.
//
//   node examples/apala.mjs                                                  local emulators
//   APALA_API_KEY=… APALA_BASE_URL=https://… node examples/apala.mjs        the real service
import { createApalaAuth } from '@authmux/api-key-refresh'
import { exampleEnv } from './lib/example-env.mjs'

const { env, close } = await exampleEnv('APALA_API_KEY')
const apala = createApalaAuth({ apiKey: env.APALA_API_KEY, baseURL: env.APALA_BASE_URL, env: false })
apala.on('refresh', ({ background }) => console.log(`event refresh (${background ? 'background' : 'on demand'})`))

try {
  const optimized = await apala.fetch('/api/message_optimizer', {
    method: 'POST',
    body: { message: { content: 'Your payment is due Friday', channel: 'SMS' } },
  })
  console.log(`optimized for ${optimized.recommended_channel}: ${optimized.optimized_message}`)
  console.log(`company ${apala.company?.name}, token valid until ${new Date(apala.expiresAt).toISOString()}`)

  await apala.refresh() // POST /api/auth/refresh with the refresh token (the key is not sent again)
  const feedback = await apala.fetch('/api/feedback', {
    method: 'POST',
    body: { message_id: optimized.message_id, customer_responded: true, score: 'good' },
  })
  console.log(`feedback ${feedback.id} recorded`)
  console.log('apala example: done')
} finally {
  apala.dispose()
  await close()
}
