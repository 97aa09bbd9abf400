import { createApalaAuth } from '@authmux/api-key-refresh'
import { composeAuth, MemoryTokenStore } from '@authmux/core'
import { createTradeReadyAuth } from '@authmux/key-secret-jwt'
import { startEmulators } from '@authmux/testkit'

// Local stand-ins for the real APIs, with demo credentials. For the real services, drop `emu` and pass your own
// keys (or none: each preset reads TRADEREADY_API_KEY, APALA_API_KEY … from the environment).
const emu = await startEmulators()
const { tradeready: tr, apala: ap } = emu.credentials

const store = new MemoryTokenStore() // or createFileTokenStore() from @authmux/store-file: encrypted, on disk
const tradeready = createTradeReadyAuth({ apiKey: tr.apiKey, apiSecret: tr.apiSecret, baseURL: emu.urls.tradeready, store })
const apala = createApalaAuth({ apiKey: ap.apiKey, baseURL: emu.urls.apala, store })

const bot = composeAuth(tradeready, apala)
const account = await bot.fetch(`${emu.urls.tradeready}/account/info`) // X-API-Key attached
const { agents } = await tradeready.fetch('/agents') // JWT obtained, cached, refreshed before expiry
const reply = await apala.fetch('/api/message_optimizer', {
  method: 'POST',
  body: { message: { content: 'Your payment is due Friday', channel: 'SMS' } },
}) // access token obtained with the API key, renewed with the refresh token
console.log(`${account.display_name}: ${agents.length} agent(s); Apala suggests ${reply.recommended_channel}`)

tradeready.dispose() // stop the background refresh timers
apala.dispose()
await emu.close()
