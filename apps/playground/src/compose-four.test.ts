// One process composing AionMarket, TradeReady, ProjectX and Apala: every request carries only its own provider's
// credentials. Real HTTP to the emulators; a pass-through fetch records exactly what left the process.
import { createApalaAuth } from '@authmux/api-key-refresh'
import { createAionMarketAuth } from '@authmux/bearer'
import { composeAuth } from '@authmux/core'
import { createProjectXAuth, createTradeReadyAuth } from '@authmux/key-secret-jwt'
import { type Emulators, startEmulators } from '@authmux/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

interface Sent {
  origin: string
  path: string
  headers: Record<string, string>
}

let emu: Emulators
const sent: Sent[] = []
const recordingFetch: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input))
  const headers: Record<string, string> = {}
  new Headers(init?.headers).forEach((value, name) => {
    headers[name] = value
  })
  sent.push({ origin: url.origin, path: url.pathname, headers })
  return fetch(input, init)
}

beforeAll(async () => {
  emu = await startEmulators()
})
afterAll(async () => emu?.close())

describe('composeAuth across four providers', () => {
  it("routes each request to its provider and attaches only that provider's credentials", async () => {
    const { credentials: c, urls } = emu
    const aion = createAionMarketAuth({ apiKey: c.aionmarket.apiKey, baseURL: urls.aionmarket, fetch: recordingFetch })
    const tradeready = createTradeReadyAuth({ apiKey: c.tradeready.apiKey, apiSecret: c.tradeready.apiSecret, baseURL: urls.tradeready, fetch: recordingFetch })
    const projectx = createProjectXAuth({ username: c.projectx.userName, apiKey: c.projectx.apiKey, baseURL: urls.projectx, fetch: recordingFetch })
    const apala = createApalaAuth({ apiKey: c.apala.apiKey, baseURL: urls.apala, fetch: recordingFetch })
    const bot = composeAuth(aion, tradeready, projectx, apala)

    const results = await Promise.all([
      bot.fetch<{ authenticatedWith?: string }>(`${urls.aionmarket}/agents/me`),
      bot.fetch<{ authenticatedWith?: string }>(`${urls.tradeready}/account/info`),
      bot.fetch<{ authenticatedWith?: string }>(`${urls.tradeready}/agents`),
      bot.fetch(`${urls.projectx}/Account/search`, { method: 'POST', body: { onlyActiveAccounts: true } }),
      bot.fetch(`${urls.apala}/api/message_optimizer`, { method: 'POST', body: { message: 'Payment due Friday', channel: 'SMS' } }),
    ])
    expect(results).toHaveLength(5)
    expect(results[1]!.authenticatedWith).toBe('x-api-key')
    expect(results[2]!.authenticatedWith).toBe('bearer')

    const secretsOf = {
      aionmarket: [c.aionmarket.apiKey],
      tradeready: [c.tradeready.apiKey, c.tradeready.apiSecret, tradeready.accessToken!],
      projectx: [c.projectx.apiKey, projectx.accessToken!],
      apala: [c.apala.apiKey, apala.accessToken!],
    }
    const originOf = Object.fromEntries(Object.entries(urls).map(([name, url]) => [new URL(url).origin, name]))
    for (const request of sent) {
      const owner = originOf[request.origin] as keyof typeof secretsOf
      expect(owner).toBeDefined()
      const headerText = Object.values(request.headers).join('\n')
      for (const [provider, secrets] of Object.entries(secretsOf)) {
        if (provider === owner) continue
        for (const secret of secrets.filter(Boolean)) expect(headerText, `${owner} request carried ${provider}'s credential`).not.toContain(secret)
      }
    }
    // And what each provider's protected request carried is exactly its own credential.
    const protectedRequest = (path: string) => sent.find((r) => r.path.endsWith(path) && !r.path.includes('/auth'))!
    expect(protectedRequest('/agents/me').headers.authorization).toBe(`Bearer ${c.aionmarket.apiKey}`)
    expect(protectedRequest('/account/info').headers['x-api-key']).toBe(c.tradeready.apiKey)
    expect(protectedRequest('/account/info').headers.authorization).toBeUndefined()
    expect(protectedRequest('/v1/agents').headers.authorization).toBe(`Bearer ${tradeready.accessToken}`)
    expect(protectedRequest('/Account/search').headers.authorization).toBe(`Bearer ${projectx.accessToken}`)
    expect(protectedRequest('/message_optimizer').headers.authorization).toBe(`Bearer ${apala.accessToken}`)

    for (const strategy of [aion, tradeready, projectx, apala]) strategy.dispose()
  })

  it('a URL none of the four owns is refused before anything is sent', async () => {
    const { credentials: c, urls } = emu
    const bot = composeAuth(createAionMarketAuth({ apiKey: c.aionmarket.apiKey, baseURL: urls.aionmarket, fetch: recordingFetch }))
    const before = sent.length
    await expect(bot.fetch(`${urls.tradeready}/account/info`)).rejects.toThrow(/no strategy owns/)
    expect(sent.length).toBe(before)
  })
})
