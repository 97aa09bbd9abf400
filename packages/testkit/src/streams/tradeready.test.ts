import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import type WebSocket from 'ws'
import { startTradeReadyEmulator, type TradeReadyEmulator } from '../providers/tradeready.js'
import { credentialTag } from './log.js'
import { has, openSocket, upgradeStatus } from './test-support.js'

// Written from providers.md 9.3 (TradeReady backend): GET /ws/v1?api_key=…, HTTP 403 before the upgrade, JSON
// heartbeat with {"action":"pong"}, subscribe by channel + separate fields, 10 subscriptions, ticker fan-out.

let tr: TradeReadyEmulator
const url = (apiKey?: string) => (apiKey === undefined ? tr.streams.url : `${tr.streams.url}?api_key=${encodeURIComponent(apiKey)}`)

beforeAll(async () => {
  // Heartbeat far away here (its own suite below); ticker only on demand.
  tr = await startTradeReadyEmulator({ streams: { pingIntervalMs: 60_000, tickerIntervalMs: 0 } })
})
afterAll(() => tr.close())
beforeEach(() => {
  tr.streams.log.clear()
  tr.faults.clear()
})

describe('tradeready /ws/v1 authentication', () => {
  test('the socket is on the emulator origin at /ws/v1 (not under /api/v1); account and agent keys open it', async () => {
    expect(tr.streams.url).toBe(`${tr.origin.replace('http', 'ws')}/ws/v1`)
    const account = await openSocket(url(tr.credentials.apiKey))
    const agent = await openSocket(url(tr.credentials.agentApiKey))
    expect(tr.streams.openSockets).toBe(2)
    account.ws.close()
    agent.ws.close()
    const entries = await tr.streams.log.waitFor((list) => list.length === 2 && list.every((e) => !e.open))
    expect(entries.map((e) => [e.status, e.credential?.via, e.credential?.state, e.credential?.tag])).toEqual([
      [101, 'query:api_key', 'valid', credentialTag(tr.credentials.apiKey)],
      [101, 'query:api_key', 'valid', credentialTag(tr.credentials.agentApiKey)],
    ])
    expect(entries[0]?.closedBy).toBe('client')
  })

  test('missing, unknown, JWT-as-token, archived-agent and suspended-account keys get HTTP 403 before the upgrade', async () => {
    const login = await fetch(`${tr.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: tr.credentials.apiKey, api_secret: tr.credentials.apiSecret }),
    })
    const { token } = (await login.json()) as { token: string }
    expect(await upgradeStatus(url())).toBe(403)
    expect(await upgradeStatus(url('ak_live_unknown'))).toBe(403)
    // docs advertise ?token=<JWT>, the handler never reads it: an empty key
    expect(await upgradeStatus(`${tr.streams.url}?token=${token}`)).toBe(403)
    // headers are not consulted either
    expect(await upgradeStatus(url(), { headers: { 'x-api-key': tr.credentials.apiKey, authorization: `Bearer ${token}` } })).toBe(403)

    const extra = tr.addAccount({ displayName: 'ws-suspended' })
    const agent = tr.addAgent(extra.accountId, 'archived-one')
    tr.archiveAgent(agent.agentId)
    expect(await upgradeStatus(url(agent.agentApiKey))).toBe(403)
    tr.suspendAccount(extra.accountId)
    expect(await upgradeStatus(url(extra.apiKey))).toBe(403)
    tr.suspendAccount(extra.accountId, false)
    expect(await upgradeStatus(url(extra.apiKey))).toBe(101)

    const entries = tr.streams.log.list()
    expect(entries.map((e) => [e.status, e.credential?.state, e.reason])).toEqual([
      [403, undefined, 'missing api_key'],
      [403, 'invalid', 'unknown api_key'],
      [403, undefined, 'missing api_key'],
      [403, undefined, 'missing api_key'],
      [403, 'revoked', 'agent is archived'],
      [403, 'revoked', 'account is not active'],
      [101, 'valid', undefined],
    ])
    // the request headers are masked like the HTTP request log; no key or token anywhere in the log
    expect(entries[3]?.headers).toMatchObject({ 'x-api-key': '[REDACTED]', authorization: 'Bearer [REDACTED]' })
    const dump = JSON.stringify(entries)
    for (const secret of [tr.credentials.apiKey, extra.apiKey, agent.agentApiKey, token]) expect(dump).not.toContain(secret)
  })
})

describe('tradeready subscriptions', () => {
  test('channel + separate symbol / interval / battle_id resolve to the backend keys', async () => {
    const s = await openSocket(url(tr.credentials.apiKey))
    const ask = async (message: Record<string, unknown>) => {
      const from = s.messages.length
      s.send(message)
      return s.next(() => true, { from })
    }
    expect(await ask({ action: 'subscribe', channel: 'ticker', symbol: ' btcusdt ' })).toEqual({ type: 'subscribed', channel: 'ticker:BTCUSDT' })
    expect(await ask({ action: 'subscribe', channel: 'ticker_all' })).toEqual({ type: 'subscribed', channel: 'ticker:all' })
    expect(await ask({ action: 'subscribe', channel: 'candles', symbol: 'ETHUSDT', interval: '1m' })).toEqual({
      type: 'subscribed',
      channel: 'candles:ETHUSDT:1m',
    })
    expect(await ask({ action: 'subscribe', channel: 'orders' })).toEqual({ type: 'subscribed', channel: 'orders' })
    expect(await ask({ action: 'subscribe', channel: 'portfolio' })).toEqual({ type: 'subscribed', channel: 'portfolio' })
    expect(await ask({ action: 'subscribe', channel: 'battle', battle_id: '6f1c0d8e-3c2a-4c55-9d7e-2b8f4a1e9c10' })).toEqual({
      type: 'subscribed',
      channel: 'battle:6f1c0d8e-3c2a-4c55-9d7e-2b8f4a1e9c10',
    })
    // the SDK's full-key form is rejected; so are a bad interval and a ticker without symbol
    for (const bad of [
      { action: 'subscribe', channel: 'ticker:BTCUSDT' },
      { action: 'subscribe', channel: 'candles', symbol: 'ETHUSDT', interval: '2m' },
      { action: 'subscribe', channel: 'ticker' },
      { action: 'subscribe', channel: 'battle' },
    ]) {
      expect(await ask(bad)).toEqual({ type: 'error', code: 'INVALID_CHANNEL', message: expect.any(String) })
    }
    expect(await ask({ action: 'unsubscribe', channel: 'ticker', symbol: 'BTCUSDT' })).toEqual({ type: 'unsubscribed', channel: 'ticker:BTCUSDT' })
    // also answered when it was not subscribed
    expect(await ask({ action: 'unsubscribe', channel: 'ticker', symbol: 'XRPUSDT' })).toEqual({ type: 'unsubscribed', channel: 'ticker:XRPUSDT' })
    // every message needs an action; {"type":"pong"} is not one
    expect(await ask({ channel: 'orders' })).toEqual({ type: 'error', code: 'UNKNOWN_ACTION', message: expect.any(String) })

    const [entry] = tr.streams.log.connections()
    expect(entry?.subscriptions.map((x) => [x.op, x.key, x.ok, x.error])).toEqual([
      ['subscribe', 'ticker:BTCUSDT', true, undefined],
      ['subscribe', 'ticker:all', true, undefined],
      ['subscribe', 'candles:ETHUSDT:1m', true, undefined],
      ['subscribe', 'orders', true, undefined],
      ['subscribe', 'portfolio', true, undefined],
      ['subscribe', 'battle:6f1c0d8e-3c2a-4c55-9d7e-2b8f4a1e9c10', true, undefined],
      ['subscribe', 'ticker:BTCUSDT', false, 'INVALID_CHANNEL'],
      ['subscribe', 'candles', false, 'INVALID_CHANNEL'],
      ['subscribe', 'ticker', false, 'INVALID_CHANNEL'],
      ['subscribe', 'battle', false, 'INVALID_CHANNEL'],
      ['unsubscribe', 'ticker:BTCUSDT', true, undefined],
      ['unsubscribe', 'ticker:XRPUSDT', true, undefined],
    ])
    s.ws.close()
  })

  test('10 subscriptions per connection; re-subscribing an existing key does not count; unsubscribing frees a slot', async () => {
    const s = await openSocket(url(tr.credentials.apiKey))
    const symbols = Array.from({ length: 10 }, (_, i) => `SYM${i}USDT`)
    for (const symbol of symbols) s.send({ action: 'subscribe', channel: 'ticker', symbol })
    await s.next(has({ type: 'subscribed', channel: 'ticker:SYM9USDT' }))
    s.send({ action: 'subscribe', channel: 'ticker', symbol: 'SYM3USDT' })
    expect(await s.next(() => true, { from: 10 })).toEqual({ type: 'subscribed', channel: 'ticker:SYM3USDT' })
    s.send({ action: 'subscribe', channel: 'ticker_all' })
    expect(await s.next(() => true, { from: 11 })).toEqual({ type: 'error', code: 'SUBSCRIPTION_LIMIT', message: expect.any(String) })
    s.send({ action: 'unsubscribe', channel: 'ticker', symbol: 'SYM0USDT' })
    s.send({ action: 'subscribe', channel: 'ticker_all' })
    expect(await s.next(has({ type: 'subscribed', channel: 'ticker:all' }), { from: 12 })).toBeTruthy()
    const subs = tr.streams.log.connections()[0]?.subscriptions ?? []
    expect(subs.filter((x) => !x.ok).map((x) => [x.key, x.error])).toEqual([['ticker:all', 'SUBSCRIPTION_LIMIT']])
    s.ws.close()
  })

  test('a message that is not JSON ends the connection with close 1000; so does a non-string symbol', async () => {
    const a = await openSocket(url(tr.credentials.apiKey))
    a.ws.send('hello')
    expect((await a.closed).code).toBe(1000)
    const b = await openSocket(url(tr.credentials.apiKey))
    b.send({ action: 'subscribe', channel: 'ticker', symbol: 42 })
    expect((await b.closed).code).toBe(1000)
    const entries = await tr.streams.log.waitFor((list) => list.length === 2 && list.every((e) => !e.open))
    expect(entries.map((e) => [e.closedBy, e.closeCode, e.reason])).toEqual([
      ['server', 1000, 'message is not JSON'],
      ['server', 1000, 'symbol must be a string'],
    ])
  })
})

describe('tradeready ticker pushes', () => {
  test('a tick goes to ticker:<SYM> and ticker:all subscribers (both keys → two copies), not to other symbols', async () => {
    const btc = await openSocket(url(tr.credentials.apiKey))
    const both = await openSocket(url(tr.credentials.apiKey))
    const eth = await openSocket(url(tr.credentials.apiKey))
    btc.send({ action: 'subscribe', channel: 'ticker', symbol: 'BTCUSDT' })
    both.send({ action: 'subscribe', channel: 'ticker', symbol: 'BTCUSDT' })
    both.send({ action: 'subscribe', channel: 'ticker_all' })
    eth.send({ action: 'subscribe', channel: 'ticker', symbol: 'ETHUSDT' })
    await btc.next(has({ type: 'subscribed' }))
    await both.next(has({ channel: 'ticker:all' }))
    await eth.next(has({ type: 'subscribed' }))

    expect(tr.streams.pushTicker('btcusdt', { price: '65000.10' })).toBe(3)
    const tick = await btc.next(has({ channel: 'ticker' }))
    expect(tick).toEqual({
      channel: 'ticker',
      symbol: 'BTCUSDT',
      data: { price: '65000.10', quantity: expect.stringMatching(/^\d+\.\d+$/), timestamp: expect.any(String), is_buyer_maker: expect.any(Boolean) },
    })
    expect((tick as { data: { timestamp: string } }).data.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    await both.next(has({ channel: 'ticker' }), { from: both.messages.indexOf(tick) + 3 })
    expect(both.messages.filter(has({ channel: 'ticker' }))).toHaveLength(2)
    expect(eth.messages.filter(has({ channel: 'ticker' }))).toHaveLength(0)

    // push() sends anything to one channel key
    expect(tr.streams.push('ticker:ETHUSDT', { channel: 'ticker', symbol: 'ETHUSDT', data: { price: '1.00' } })).toBe(1)
    expect(await eth.next(has({ symbol: 'ETHUSDT' }))).toMatchObject({ data: { price: '1.00' } })
    for (const s of [btc, both, eth]) s.ws.close()
  })

  test('with tickerIntervalMs, subscribed sockets get ticks on their own; ticker:all gets every configured symbol', async () => {
    const fast = await startTradeReadyEmulator({ streams: { tickerIntervalMs: 20, symbols: ['BTCUSDT', 'SOLUSDT'], pingIntervalMs: 60_000 } })
    const s = await openSocket(`${fast.streams.url}?api_key=${fast.credentials.apiKey}`)
    s.send({ action: 'subscribe', channel: 'ticker_all' })
    await s.next(has({ symbol: 'BTCUSDT' }))
    await s.next(has({ symbol: 'SOLUSDT' }))
    const quiet = await openSocket(`${fast.streams.url}?api_key=${fast.credentials.apiKey}`)
    await new Promise((r) => setTimeout(r, 60))
    expect(quiet.messages).toEqual([])
    await fast.close()
    expect((await s.closed).code).toBe(1006)
  })
})

describe('tradeready heartbeat', () => {
  let hb: TradeReadyEmulator
  beforeAll(async () => {
    hb = await startTradeReadyEmulator({ streams: { pingIntervalMs: 30, pongTimeoutMs: 150, tickerIntervalMs: 0 } })
  })
  afterAll(() => hb.close())
  const open = (onMessage?: (message: unknown, ws: WebSocket) => void) => openSocket(`${hb.streams.url}?api_key=${hb.credentials.apiKey}`, {}, onMessage)

  test('no pong → closed with 1000 after pongTimeoutMs', async () => {
    const s = await open()
    await s.next(has({ type: 'ping' }))
    const closed = await s.closed
    expect(closed.code).toBe(1000)
    expect(s.messages).toEqual([{ type: 'ping' }])
    const entry = (await hb.streams.log.waitFor((l) => l.some((e) => !e.open))).at(-1)
    expect(entry).toMatchObject({ closedBy: 'server', closeCode: 1000, reason: expect.stringMatching(/pong/) })
  })

  test('{"type":"pong"} (what the SDK sends) is an UNKNOWN_ACTION and does not keep the socket alive', async () => {
    const s = await open((message, ws) => {
      if (has({ type: 'ping' })(message)) ws.send(JSON.stringify({ type: 'pong' }))
    })
    expect(await s.next(has({ type: 'error' }))).toEqual({ type: 'error', code: 'UNKNOWN_ACTION', message: expect.any(String) })
    expect((await s.closed).code).toBe(1000)
  })

  test('answering {"action":"pong"} keeps the socket open past three ping periods', async () => {
    let pings = 0
    const s = await open((message, ws) => {
      if (!has({ type: 'ping' })(message)) return
      pings += 1
      ws.send(JSON.stringify({ action: 'pong' }))
    })
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (pings >= 4) {
          clearInterval(check)
          resolve()
        }
      }, 5)
    })
    expect(s.ws.readyState).toBe(s.ws.OPEN)
    expect(s.messages.filter((m) => !has({ type: 'ping' })(m))).toEqual([])
    s.ws.close()
  })

  test('pingNow() sends a ping at once and starts the pong timer', async () => {
    const slow = await startTradeReadyEmulator({ streams: { pingIntervalMs: 60_000, pongTimeoutMs: 30, tickerIntervalMs: 0 } })
    const s = await openSocket(`${slow.streams.url}?api_key=${slow.credentials.apiKey}`)
    expect(slow.streams.pingNow()).toBe(1)
    expect(slow.streams.pingNow()).toBe(0) // already waiting for its pong
    await s.next(has({ type: 'ping' }))
    expect((await s.closed).code).toBe(1000)
    await slow.close()
  })
})

describe('tradeready stream faults', () => {
  test('dropAll() closes every socket (1012 by default, or abruptly: 1006) and logs it', async () => {
    const a = await openSocket(url(tr.credentials.apiKey))
    const b = await openSocket(url(tr.credentials.apiKey))
    expect(tr.streams.dropAll()).toBe(2)
    expect((await a.closed).code).toBe(1012)
    expect((await b.closed).code).toBe(1012)
    const c = await openSocket(url(tr.credentials.apiKey))
    expect(tr.streams.dropAll({ abrupt: true })).toBe(1)
    expect((await c.closed).code).toBe(1006)
    const entries = await tr.streams.log.waitFor((l) => l.length === 3 && l.every((e) => !e.open))
    expect(entries.map((e) => [e.closedBy, e.closeCode, e.reason])).toEqual([
      ['server', 1012, 'dropped'],
      ['server', 1012, 'dropped'],
      ['server', 1006, 'dropped'],
    ])
    expect(tr.streams.openSockets).toBe(0)
  })

  test('refuseUpgrades(): 503 for a virtual-clock duration, 401 for the next N attempts, cancel()', async () => {
    const good = url(tr.credentials.apiKey)
    const window = tr.streams.refuseUpgrades({ durationMs: 3000 })
    expect(await upgradeStatus(good)).toBe(503)
    expect(await upgradeStatus(good)).toBe(503)
    tr.clock.advance(3000)
    expect(window.active).toBe(false)
    expect(await upgradeStatus(good)).toBe(101)
    expect(window.hits).toBe(2)

    const twice = tr.streams.refuseUpgrades({ status: 401, times: 2 })
    expect(await upgradeStatus(good)).toBe(401)
    expect(await upgradeStatus(good)).toBe(401)
    expect(await upgradeStatus(good)).toBe(101)
    expect(twice.active).toBe(false)

    const forever = tr.streams.refuseUpgrades()
    expect(await upgradeStatus(good)).toBe(503)
    forever.cancel()
    expect(await upgradeStatus(good)).toBe(101)
    expect(() => tr.streams.refuseUpgrades({ status: 200 })).toThrow(/status/)

    const entries = tr.streams.log.list()
    expect(entries.map((e) => [e.status, e.fault])).toEqual([
      [503, 'refuse'],
      [503, 'refuse'],
      [101, undefined],
      [401, 'refuse'],
      [401, 'refuse'],
      [101, undefined],
      [503, 'refuse'],
      [101, undefined],
    ])
    // a refused attempt still says which key it carried
    expect(entries[0]?.credential?.tag).toBe(credentialTag(tr.credentials.apiKey))
  })

  test('HTTP fault rules naming the /ws/v1 path apply to upgrades too; a path-less rule stays HTTP-only', async () => {
    tr.faults.inject({ fault: 500 })
    expect(await upgradeStatus(url(tr.credentials.apiKey))).toBe(101)
    expect((await fetch(`${tr.url}/market/prices`)).status).toBe(500)
    tr.streams.log.clear()
    tr.faults.inject({ path: '/ws/v1', fault: 502 })
    tr.faults.inject({ path: '/ws/v1', fault: 'reset' })
    expect(await upgradeStatus(url(tr.credentials.apiKey))).toBe(502)
    await expect(openSocket(url(tr.credentials.apiKey))).rejects.toThrow()
    expect(await upgradeStatus(url(tr.credentials.apiKey))).toBe(101)
    expect(tr.streams.log.list().map((e) => [e.status, e.fault])).toEqual([
      [502, 'status'],
      [0, 'reset'],
      [101, undefined],
    ])
    expect(await upgradeStatus(`${tr.origin.replace('http', 'ws')}/ws/v2?api_key=${tr.credentials.apiKey}`)).toBe(404)
  })
})
