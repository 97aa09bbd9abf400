import { startProjectXEmulator, startTradeReadyEmulator } from '@authmux/testkit'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createProjectXAuth, createTradeReadyAuth } from './index'
import { createProjectXAuth as createProjectXHubAuth } from './signalr'
import { createTradeReadyAuth as createTradeReadyStreamAuth } from './stream'

// The README examples, run as written against the emulators (base URLs come from the documented env variables).
afterEach(() => vi.unstubAllEnvs())

describe('README examples', () => {
  it('TradeReady', async () => {
    const emu = await startTradeReadyEmulator()
    vi.stubEnv('TRADEREADY_API_KEY', emu.credentials.apiKey)
    vi.stubEnv('TRADEREADY_API_SECRET', emu.credentials.apiSecret)
    vi.stubEnv('TRADEREADY_AGENT_ID', emu.credentials.agentId)
    vi.stubEnv('TRADEREADY_API_URL', emu.url)
    try {
      const tradeready = createTradeReadyAuth({
        apiKey: process.env.TRADEREADY_API_KEY, // X-API-Key on trade/market/account/analytics routes
        apiSecret: process.env.TRADEREADY_API_SECRET, // key + secret → JWT for /agents/* and /battles/*
        agentId: process.env.TRADEREADY_AGENT_ID, // optional: X-Agent-Id
      })
      const account = await tradeready.fetch('/account/info') // X-API-Key
      const agents = await tradeready.fetch('/agents') // Authorization: Bearer <jwt>, logged in on demand
      expect(account).toMatchObject({ authenticatedWith: 'x-api-key' })
      expect(agents).toMatchObject({ authenticatedWith: 'bearer' })
      expect(tradeready.rateLimit).toMatchObject({ limit: 600, remaining: 598 })
      tradeready.dispose()
    } finally {
      await emu.close()
    }
  })

  it('ProjectX', async () => {
    const emu = await startProjectXEmulator()
    vi.stubEnv('PROJECT_X_USERNAME', emu.credentials.userName)
    vi.stubEnv('PROJECT_X_API_KEY', emu.credentials.apiKey)
    vi.stubEnv('PROJECT_X_ACCOUNT_NAME', emu.credentials.accountName)
    vi.stubEnv('PROJECTX_API_URL', emu.url)
    try {
      {
        await using projectx = createProjectXAuth({
          username: process.env.PROJECT_X_USERNAME,
          apiKey: process.env.PROJECT_X_API_KEY,
          accountName: process.env.PROJECT_X_ACCOUNT_NAME,
        })
        const account = await projectx.account() // { id, name, … }: the one named accountName, else the first
        await projectx.ensureValid() // logs in (or revalidates) when needed
        const hubToken = projectx.accessToken // for the SignalR hubs' ?access_token=
        await projectx.logout() // POST /Auth/logout
        expect(account).toMatchObject({ id: emu.credentials.accountId, name: emu.credentials.accountName })
        expect(hubToken).toMatch(/^ey/)
      }
      expect(emu.requests.list().map((r) => r.path)).toEqual(['/api/Auth/loginKey', '/api/Account/search', '/api/Auth/logout'])
    } finally {
      await emu.close()
    }
  })

  it('TradeReady realtime stream', async () => {
    const emu = await startTradeReadyEmulator({ streams: { tickerIntervalMs: 0 } })
    vi.stubEnv('TRADEREADY_API_KEY', emu.credentials.apiKey)
    vi.stubEnv('TRADEREADY_API_SECRET', emu.credentials.apiSecret)
    vi.stubEnv('TRADEREADY_API_URL', emu.url)
    try {
      const messages: unknown[] = []
      const errors: string[] = []
      const tradeready = createTradeReadyStreamAuth() // the preset above, plus connectWebSocket()
      const stream = tradeready.connectWebSocket() // wss://<baseURL host>/ws/v1?api_key=…
      stream.on('message', ({ data }) => messages.push(JSON.parse(data))) // ticks, orders, replies
      stream.on('error', ({ error }) => errors.push(error.message)) // typed; a refused key ends the stream
      expect(await stream.subscribe({ channel: 'ticker', symbol: 'BTCUSDT' })).toBe('ticker:BTCUSDT')
      await stream.subscribe({ channel: 'candles', symbol: 'ETHUSDT', interval: '1m' })
      await stream.close()
      expect(messages).toContainEqual({ type: 'subscribed', channel: 'candles:ETHUSDT:1m' })
      expect(errors).toEqual([])
      tradeready.dispose()
    } finally {
      await emu.close()
    }
  })

  it('ProjectX realtime hubs', async () => {
    const emu = await startProjectXEmulator({ streams: { pushIntervalMs: 0 } })
    vi.stubEnv('PROJECT_X_USERNAME', emu.credentials.userName)
    vi.stubEnv('PROJECT_X_API_KEY', emu.credentials.apiKey)
    vi.stubEnv('PROJECTX_API_URL', emu.url)
    try {
      const seen: unknown[] = []
      const projectx = createProjectXHubAuth() // the preset above, plus hubConnection()
      const { id: accountId } = await projectx.account()

      const user = projectx.hubConnection('user')
      user.on('GatewayUserOrder', (order) => seen.push(order))
      user.onLifecycle('logout', () => seen.push('ended elsewhere; the hub has stopped'))
      await user.subscribe('SubscribeOrders', accountId) // re-invoked after every reconnect
      await user.start()

      const market = projectx.hubConnection('market')
      market.on('GatewayQuote', (contractId, quote) => seen.push([contractId, quote]))
      await market.subscribe('SubscribeContractQuotes', 'CON.F.US.EP.Z25')
      await market.start()
      emu.streams.pushMarket('GatewayQuote', 'CON.F.US.EP.Z25')
      while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 2))
      await Promise.all([user.stop(), market.stop()])
      expect(seen).toEqual([['CON.F.US.EP.Z25', expect.objectContaining({ bestBid: expect.any(Number) })]])
      projectx.dispose()
    } finally {
      await emu.close()
    }
  })
})
