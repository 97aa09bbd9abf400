import { MemoryTokenStore } from '@authmux/core'
import { startAionMarketEmulator, startTradeReadyEmulator, type AionMarketEmulator, type TradeReadyEmulator } from '@authmux/testkit'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { createAionMarketAuth, createBearerAuth, createKeyRing, KeyRejectedError } from './index'

let aion: AionMarketEmulator
let tradeready: TradeReadyEmulator
beforeAll(async () => {
  ;[aion, tradeready] = await Promise.all([startAionMarketEmulator(), startTradeReadyEmulator()])
  vi.stubEnv('AIONMARKET_API_KEY', aion.credentials.apiKey)
  vi.stubEnv('AIONMARKET_BASE_URL', aion.url)
})
afterAll(async () => {
  vi.unstubAllEnvs()
  await Promise.all([aion?.close(), tradeready?.close()])
})

it('the README examples run as written', async () => {
  const printed: unknown[] = []
  const console = { log: (...a: unknown[]) => printed.push(a), error: (...a: unknown[]) => printed.push(a) }
  // --- README example ---
  const aion_ = createAionMarketAuth({ userAgent: 'my-bot/1.0' }) // key: AIONMARKET_API_KEY
  try {
    const agent = await aion_.me() // GET /agents/me — doubles as a key check
    console.log(agent.agentId, agent.name)
    const keys = await aion_.listApiKeys() // fingerprints and status, never key values
    const raw = await aion_.fetch('/agents/me') // any endpoint: key, User-Agent, X-Request-ID attached
    printed.push(keys, raw)
  } catch (error) {
    if (error instanceof KeyRejectedError) console.error('create a new key: this one is invalid or revoked')
  }
  // --- generic example (X-API-Key) ---
  const api = createBearerAuth({ apiKey: tradeready.credentials.apiKey, baseURL: tradeready.url, header: 'X-API-Key', scheme: null })
  const account = await api.fetch('/account/info')
  // --- key ring example ---
  const ring = createKeyRing({ trading: aion.credentials.apiKey }, { baseURL: aion.url, store: new MemoryTokenStore() })
  await ring.get('trading').me()
  const rotated = await ring.rotate('trading')
  // --- end ---
  expect(printed[0]).toEqual([aion.credentials.agentId, aion.credentials.agentName])
  expect(account).toMatchObject({ authenticatedWith: 'x-api-key' })
  expect(rotated.fingerprint).toMatch(/^[0-9a-f]{12}$/)
  ring.dispose()
})
