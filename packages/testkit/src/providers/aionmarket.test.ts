import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startAionMarketEmulator, type AionMarketEmulator } from './aionmarket.js'

let aion: AionMarketEmulator
const call = (method: string, path: string, options: { body?: unknown; key?: string } = {}) =>
  fetch(`${aion.url}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  })

beforeAll(async () => {
  aion = await startAionMarketEmulator()
})
afterAll(() => aion.close())

describe('aionmarket contract', () => {
  test('url ends in /bvapi; register is public and answers the documented fields', async () => {
    expect(aion.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/bvapi$/)
    const res = await call('POST', '/agents/register', { body: { name: 'my-agent', description: 'test agent' } })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toEqual({
      agentId: expect.any(String),
      agentName: 'my-agent',
      apiKeyCode: expect.stringMatching(/^[A-Za-z0-9]{64}$/),
      claimCode: expect.any(String),
      claimUrl: expect.stringContaining(body.claimCode as string),
      simulationBalance: 10000,
    })
    const me = await call('GET', '/agents/me', { key: body.apiKeyCode as string })
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ agentId: body.agentId, agentName: 'my-agent', claimed: false, authenticatedWith: 'bearer' })
  })

  test('register validation → 400 {code, message}', async () => {
    const res = await call('POST', '/agents/register', { body: { name: '' } })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 400, message: expect.any(String) })
    expect((await call('POST', '/agents/register', { body: { name: 'x'.repeat(101) } })).status).toBe(400)
    expect((await call('POST', '/agents/register', { body: { name: 'ok', description: 'd'.repeat(501) } })).status).toBe(400)
  })

  test('GET /agents/me: 401 {code, message} without, with unknown and with revoked keys', async () => {
    const none = await call('GET', '/agents/me')
    expect(none.status).toBe(401)
    expect(await none.json()).toMatchObject({ code: 401, message: expect.any(String) })
    expect((await call('GET', '/agents/me', { key: 'x'.repeat(64) })).status).toBe(401)
    const me = await call('GET', '/agents/me', { key: aion.credentials.apiKey })
    expect(await me.json()).toMatchObject({
      id: aion.credentials.agentId,
      agentName: aion.credentials.agentName,
      onlineStatus: 1,
      createdAt: expect.stringMatching(/^\d+$/),
      claimed: false,
      totalPnl: expect.any(String),
      winCount: expect.any(Number),
    })
  })

  test('create-api-key + api-key/list; a revoked key (status 2) gets 401', async () => {
    const created = await call('POST', '/agents/create-api-key', { body: { keyName: 'trading' }, key: aion.credentials.apiKey })
    expect(created.status).toBe(200)
    const key = (await created.json()) as Record<string, unknown>
    expect(key).toMatchObject({
      keyName: 'trading',
      apiKeyCode: expect.stringMatching(/^[A-Za-z0-9]{64}$/),
      status: 1,
      createType: 1,
      createdAt: expect.stringMatching(/^\d+$/),
    })
    expect((await call('POST', '/agents/create-api-key', { body: {}, key: aion.credentials.apiKey })).status).toBe(400)

    const list = await call('GET', '/agents/api-key/list', { key: key.apiKeyCode as string })
    expect(list.status).toBe(200)
    const items = (await list.json()) as { keyName: string; status: number; apiKeyCode: string }[]
    expect(items.map((k) => k.keyName)).toEqual(['default', 'trading'])
    expect(items.every((k) => !k.apiKeyCode.includes((key.apiKeyCode as string).slice(8, 40)))).toBe(true)

    aion.revokeKey(key.apiKeyCode as string)
    const revoked = await call('GET', '/agents/me', { key: key.apiKeyCode as string })
    expect(revoked.status).toBe(401)
    expect(await revoked.json()).toMatchObject({ code: 401, message: 'API key has been revoked.' })
    const after = (await (await call('GET', '/agents/api-key/list', { key: aion.credentials.apiKey })).json()) as { status: number }[]
    expect(after.map((k) => k.status)).toEqual([1, 2])
  })

  test('claim endpoints are public', async () => {
    const byPath = await call('GET', `/agents/claim/${aion.credentials.claimCode}`)
    expect(byPath.status).toBe(200)
    expect(await byPath.json()).toMatchObject({
      claimCode: aion.credentials.claimCode,
      agentName: aion.credentials.agentName,
      agentCode: expect.any(String),
      status: 1,
      walletAddress: expect.any(String),
      solAddress: expect.any(String),
    })
    expect((await call('GET', '/agents/claim/NOPE')).status).toBe(404)
    const byQuery = await call('GET', `/agents/claim?claimCode=${aion.credentials.claimCode}`)
    expect(await byQuery.json()).toMatchObject({ agentId: aion.credentials.agentId })
    expect((await call('GET', '/agents/claim')).status).toBe(400)
  })

  test('the request log redacts the bearer key', async () => {
    aion.requests.clear()
    await call('GET', '/agents/me', { key: aion.credentials.apiKey })
    const [entry] = aion.requests.list()
    expect(entry).toMatchObject({ provider: 'aionmarket', path: '/bvapi/agents/me', status: 200, credential: 'bearer' })
    expect(entry?.headers.authorization).toBe('Bearer [REDACTED]')
    expect(JSON.stringify(entry)).not.toContain(aion.credentials.apiKey)
  })
})
