import { startProjectXEmulator, startTradeReadyEmulator } from '@authmux/testkit'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createProjectXAuth, createTradeReadyAuth } from './index'

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
      expect(account.authenticatedWith).toBe('x-api-key')
      expect(agents.authenticatedWith).toBe('bearer')
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
})
