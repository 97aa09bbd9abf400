import { type HubConnection, HubConnectionBuilder, HubConnectionState, HttpTransportType, LogLevel } from '@microsoft/signalr'
import WebSocket from 'ws'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { startProjectXEmulator, type ProjectXEmulator } from '../providers/projectx.js'
import { credentialTag } from './log.js'

// Written from providers.md 9.1 (ProjectX Gateway hubs) and 9.2 (SignalR JSON hub protocol). The hubs are driven with
// the real @microsoft/signalr client; the byte-level tests use a plain `ws` socket.

const RS = '\x1e'
let px: ProjectXEmulator
const opened: HubConnection[] = []

async function login(emu: ProjectXEmulator = px): Promise<string> {
  // two tokens in the same second would only differ by their random ids; move on anyway so exp differs too
  emu.clock.advance(1000)
  const res = await fetch(`${emu.url}/Auth/loginKey`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userName: emu.credentials.userName, apiKey: emu.credentials.apiKey }),
  })
  return ((await res.json()) as { token: string }).token
}

function build(url: string, accessTokenFactory?: () => string | Promise<string>, options: { negotiate?: boolean; reconnect?: number[] } = {}): HubConnection {
  let builder = new HubConnectionBuilder()
    .withUrl(url, {
      ...(options.negotiate ? {} : { skipNegotiation: true, transport: HttpTransportType.WebSockets }),
      ...(accessTokenFactory ? { accessTokenFactory } : {}),
    })
    .configureLogging(LogLevel.None)
  if (options.reconnect) builder = builder.withAutomaticReconnect(options.reconnect)
  const connection = builder.build()
  opened.push(connection)
  return connection
}

/** Resolve with the arguments of the next `event` the connection receives. */
function nextEvent(connection: HubConnection, event: string, timeoutMs = 3000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      connection.off(event, handler)
      reject(new Error(`no ${event} within ${timeoutMs} ms`))
    }, timeoutMs)
    const handler = (...args: unknown[]) => {
      clearTimeout(timer)
      connection.off(event, handler)
      resolve(args)
    }
    connection.on(event, handler)
  })
}

beforeAll(async () => {
  px = await startProjectXEmulator({ streams: { pushIntervalMs: 0 } })
})
afterAll(() => px.close())
beforeEach(() => {
  px.streams.log.clear()
  px.faults.clear()
})
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.stop().catch(() => {})))
})

describe('projectx hubs with @microsoft/signalr (skipNegotiation + WebSockets, as in the ProjectX docs)', () => {
  test('hub URLs are at the origin root (REST is under /api); the Node client sends the factory token as a Bearer header', async () => {
    expect(px.streams.userHubUrl).toBe(`${px.origin}/hubs/user`)
    expect(px.streams.marketHubUrl).toBe(`${px.origin}/hubs/market`)
    expect(px.url).toBe(`${px.origin}/api`)
    const token = await login()
    const user = build(px.streams.userHubUrl, () => token)
    await user.start()
    expect(user.state).toBe(HubConnectionState.Connected)
    expect(user.connectionId).toBeNull() // no negotiate, no id
    const [entry] = px.streams.log.list()
    expect(entry).toMatchObject({ kind: 'upgrade', path: '/hubs/user', status: 101, open: true })
    expect(entry?.credential).toEqual({ via: 'header:authorization', tag: credentialTag(token), serial: expect.any(Number), state: 'valid' })
    expect(entry?.headers.authorization).toBe('Bearer [REDACTED]')
    expect(JSON.stringify(px.streams.log.list())).not.toContain(token)
  })

  test('user hub: Subscribe* invocations complete; Gateway user events carry one argument with the documented fields', async () => {
    const token = await login()
    const user = build(px.streams.userHubUrl, () => token)
    await user.start()
    const { accountId } = px.credentials
    await expect(user.invoke('SubscribeAccounts')).resolves.toBeUndefined() // a void Completion
    for (const target of ['SubscribeOrders', 'SubscribePositions', 'SubscribeTrades']) await user.invoke(target, accountId)

    const account = nextEvent(user, 'GatewayUserAccount')
    expect(px.streams.pushUser('GatewayUserAccount')).toBe(1)
    const [accountData, ...rest] = await account
    expect(rest).toEqual([])
    expect(accountData).toEqual({
      id: accountId,
      name: px.credentials.accountName,
      balance: expect.any(Number),
      canTrade: true,
      isVisible: true,
      simulated: true,
    })

    const order = nextEvent(user, 'GatewayUserOrder')
    px.streams.pushUser('GatewayUserOrder', { customTag: 'from-test' })
    const [orderData] = await order
    expect(Object.keys(orderData as object).sort()).toEqual(
      [
        'id',
        'accountId',
        'contractId',
        'symbolId',
        'creationTimestamp',
        'updateTimestamp',
        'status',
        'type',
        'side',
        'size',
        'limitPrice',
        'stopPrice',
        'fillVolume',
        'filledPrice',
        'customTag',
      ].sort(),
    )
    expect(orderData).toMatchObject({ accountId, customTag: 'from-test' })

    const position = nextEvent(user, 'GatewayUserPosition')
    px.streams.pushUser('GatewayUserPosition')
    expect((await position)[0]).toMatchObject({ accountId, contractId: expect.any(String), type: 1, size: 1, averagePrice: expect.any(Number) })
    const trade = nextEvent(user, 'GatewayUserTrade')
    px.streams.pushUser('GatewayUserTrade')
    expect((await trade)[0]).toMatchObject({ accountId, price: expect.any(Number), fees: expect.any(Number), voided: false, orderId: expect.any(Number) })

    // another account's events are not delivered
    expect(px.streams.pushUser('GatewayUserOrder', {}, { accountId: 999 })).toBe(0)
    await user.invoke('UnsubscribeOrders', accountId)
    expect(px.streams.pushUser('GatewayUserOrder')).toBe(0)

    expect(px.streams.log.connections()[0]?.subscriptions.map((s) => [s.op, s.key, s.ok])).toEqual([
      ['subscribe', 'SubscribeAccounts', true],
      ['subscribe', `SubscribeOrders:${accountId}`, true],
      ['subscribe', `SubscribePositions:${accountId}`, true],
      ['subscribe', `SubscribeTrades:${accountId}`, true],
      ['unsubscribe', `UnsubscribeOrders:${accountId}`, true],
    ])
  })

  test('market hub: GatewayQuote / GatewayTrade / GatewayDepth arrive as (contractId, data) for subscribed contracts only', async () => {
    const token = await login()
    const market = build(px.streams.marketHubUrl, () => token)
    await market.start()
    const rty = 'CON.F.US.RTY.H25'
    await market.invoke('SubscribeContractQuotes', rty)
    await market.invoke('SubscribeContractTrades', rty)
    await market.invoke('SubscribeContractMarketDepth', rty)

    const quote = nextEvent(market, 'GatewayQuote')
    expect(px.streams.pushMarket('GatewayQuote', rty)).toBe(1)
    const [contractId, data] = await quote
    expect(contractId).toBe(rty)
    expect(data).toEqual({
      symbol: 'F.US.RTY',
      symbolName: '/RTY',
      lastPrice: expect.any(Number),
      bestBid: expect.any(Number),
      bestAsk: expect.any(Number),
      change: expect.any(Number),
      changePercent: expect.any(Number),
      open: expect.any(Number),
      high: expect.any(Number),
      low: expect.any(Number),
      volume: expect.any(Number),
      lastUpdated: expect.any(String),
      timestamp: expect.any(String),
    })
    const q = data as { bestBid: number; bestAsk: number; lastPrice: number }
    expect(q.bestBid).toBeLessThan(q.bestAsk)

    const trade = nextEvent(market, 'GatewayTrade')
    px.streams.pushMarket('GatewayTrade', rty)
    const [, trades] = await trade
    expect(trades).toEqual([
      { symbolId: 'F.US.RTY', price: expect.any(Number), timestamp: expect.any(String), type: expect.any(Number), volume: expect.any(Number) },
    ])
    const depth = nextEvent(market, 'GatewayDepth')
    px.streams.pushMarket('GatewayDepth', rty)
    const [, levels] = await depth
    expect((levels as { type: number }[]).map((l) => l.type)).toEqual([3, 4, 1, 2, 1, 2])

    expect(px.streams.pushMarket('GatewayQuote', 'CON.F.US.EP.Z25')).toBe(0)
    await market.invoke('UnsubscribeContractQuotes', rty)
    expect(px.streams.pushMarket('GatewayQuote', rty)).toBe(0)
    // an explicit payload is sent as given
    const custom = nextEvent(market, 'GatewayTrade')
    px.streams.pushMarket('GatewayTrade', rty, [{ symbolId: 'F.US.RTY', price: 1, timestamp: 'x', type: 0, volume: 1 }])
    expect((await custom)[1]).toEqual([{ symbolId: 'F.US.RTY', price: 1, timestamp: 'x', type: 0, volume: 1 }])
  })

  test('Completion errors: unknown target, wrong arity (project-x-py style), wrong argument type; send() gets no Completion', async () => {
    const token = await login()
    const user = build(px.streams.userHubUrl, () => token)
    await user.start()
    await expect(user.invoke('SubscribeEverything')).rejects.toThrow(/Method does not exist/)
    await expect(user.invoke('UnsubscribeAccounts', px.credentials.accountId)).rejects.toThrow(/provides 1 argument\(s\) but target expects 0/)
    await expect(user.invoke('SubscribeOrders', String(px.credentials.accountId))).rejects.toThrow(/Error binding arguments/)
    await expect(user.invoke('SubscribeContractQuotes', 'CON.F.US.RTY.H25')).rejects.toThrow(/Method does not exist/) // a market target on the user hub
    await user.send('SubscribeAccounts')
    const entry = await px.streams.log.waitFor((l) => (l[0]?.subscriptions.length ?? 0) === 5)
    expect(entry[0]?.subscriptions.map((s) => [s.key, s.ok])).toEqual([
      ['SubscribeEverything', false],
      [`UnsubscribeAccounts:${px.credentials.accountId}`, false],
      [`SubscribeOrders:${px.credentials.accountId}`, false],
      ['SubscribeContractQuotes:CON.F.US.RTY.H25', false],
      ['SubscribeAccounts', true],
    ])
    expect(px.streams.pushUser('GatewayUserAccount')).toBe(1)
  })

  test('REST order placement shows up on the user hub as GatewayUserOrder', async () => {
    const token = await login()
    const user = build(px.streams.userHubUrl, () => token)
    await user.start()
    await user.invoke('SubscribeOrders', px.credentials.accountId)
    const order = nextEvent(user, 'GatewayUserOrder')
    const res = await fetch(`${px.url}/Order/place`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ accountId: px.credentials.accountId, contractId: 'CON.F.US.ENQ.Z25', type: 2, side: 1, size: 2 }),
    })
    const { orderId } = (await res.json()) as { orderId: number }
    expect((await order)[0]).toMatchObject({ id: orderId, contractId: 'CON.F.US.ENQ.Z25', symbolId: 'F.US.ENQ', status: 2, side: 1, size: 2, fillVolume: 2 })
  })
})

describe('projectx hub authentication', () => {
  test('with negotiation: POST /hubs/user/negotiate?negotiateVersion=1, then the WebSocket leg with id', async () => {
    const token = await login()
    const user = build(px.streams.userHubUrl, () => token, { negotiate: true })
    await user.start()
    expect(user.connectionId).toEqual(expect.any(String))
    const entries = px.streams.log.list()
    expect(entries.map((e) => [e.kind, e.path, e.status, e.credential?.via])).toEqual([
      ['negotiate', '/hubs/user/negotiate', 200, 'header:authorization'],
      ['upgrade', '/hubs/user', 101, 'header:authorization'],
    ])
    // the negotiate is also an ordinary request in the HTTP log (path without the query string)
    expect(px.requests.list({ path: '/hubs/user/negotiate' })).toMatchObject([{ method: 'POST', status: 200, credential: 'bearer' }])
  })

  test('negotiate bodies (v1 with connectionToken, v0 without), 401 without a valid token, and the id rules of the WebSocket leg', async () => {
    const token = await login()
    const post = (query: string, headers: Record<string, string> = {}) => fetch(`${px.streams.marketHubUrl}/negotiate${query}`, { method: 'POST', headers })
    const v1 = await post('?negotiateVersion=1', { authorization: `Bearer ${token}` })
    const v1Body = (await v1.json()) as Record<string, unknown>
    expect(v1Body).toEqual({
      connectionId: expect.any(String),
      connectionToken: expect.any(String),
      negotiateVersion: 1,
      availableTransports: [{ transport: 'WebSockets', transferFormats: ['Text', 'Binary'] }],
    })
    // pysignalr: token in the query, no negotiateVersion → v0, the connectionId is the id
    const v0 = await post(`?access_token=${token}`)
    const v0Body = (await v0.json()) as Record<string, unknown>
    expect(v0Body).toEqual({ connectionId: expect.any(String), negotiateVersion: 0, availableTransports: expect.any(Array) })
    expect((await post('')).status).toBe(401)
    const expired = await post('', { authorization: 'Bearer not-a-jwt' })
    expect(expired.status).toBe(401)
    expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer/)
    expect((await fetch(`${px.streams.marketHubUrl}/negotiate`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(405)
    expect((await fetch(`${px.origin}/hubs/orders/negotiate`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).toBe(404)

    const wsUrl = (query: string) => `${px.streams.marketHubUrl.replace('http', 'ws')}?${query}`
    const status = (query: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(wsUrl(query))
        ws.on('open', () => {
          resolve(101)
          ws.close()
        })
        ws.on('unexpected-response', (req, res) => {
          resolve(res.statusCode ?? 0)
          req.destroy()
        })
      })
    const first = new WebSocket(wsUrl(`id=${v1Body.connectionToken}&access_token=${token}`))
    await new Promise((resolve) => first.on('open', resolve))
    expect(await status(`id=${v1Body.connectionToken}&access_token=${token}`)).toBe(409) // second socket on the same id
    expect(await status(`id=unknown&access_token=${token}`)).toBe(404)
    expect(await status(`id=${v0Body.connectionId}`)).toBe(401) // no token: authentication comes first
    expect(await status(`id=${v0Body.connectionId}&access_token=${token}`)).toBe(101)
    first.close()
    expect(px.streams.log.list({ kind: 'negotiate' }).map((e) => e.status)).toEqual([200, 200, 401, 401])
  })

  test('a missing, expired or revoked token is refused with HTTP 401 at the upgrade (start() rejects)', async () => {
    await expect(build(px.streams.userHubUrl).start()).rejects.toThrow()
    const token = await login()
    px.revokeToken(token)
    await expect(build(px.streams.userHubUrl, () => token).start()).rejects.toThrow()
    const short = await startProjectXEmulator({ accessSeconds: 60, streams: { pushIntervalMs: 0 } })
    const old = await login(short)
    short.clock.advance(61_000)
    await expect(build(short.streams.userHubUrl, () => old).start()).rejects.toThrow()
    expect(short.streams.log.list()).toMatchObject([{ status: 401, reason: 'access token expired', credential: { state: 'expired', tag: credentialTag(old) } }])
    await short.close()
    expect(px.streams.log.list().map((e) => [e.status, e.reason])).toEqual([
      [401, 'no access token'],
      [401, 'access token revoked'],
    ])
  })

  test('the ProjectX docs pattern (token in the hub URL) works; the query token wins over the header', async () => {
    const token = await login()
    const viaUrl = build(`${px.streams.userHubUrl}?access_token=${token}`)
    await viaUrl.start()
    expect(px.streams.log.list()[0]?.credential).toMatchObject({ via: 'query:access_token', state: 'valid' })
    // a stale token baked into the URL sinks the connection even with a fresh factory: the reconnect trap
    const stale = await login()
    px.revokeToken(stale)
    const fresh = await login()
    await expect(build(`${px.streams.userHubUrl}?access_token=${stale}`, () => fresh).start()).rejects.toThrow()
    const refused = px.streams.log.list()[1]
    expect(refused?.status).toBe(401)
    expect(refused?.credentials.map((c) => [c.via, c.state])).toEqual([
      ['query:access_token', 'revoked'],
      ['header:authorization', 'valid'],
    ])
  })
})

describe('projectx server-side events: kick, GatewayLogout, drops, expiry, faults', () => {
  test('kick (Close with allowReconnect) → the client reconnects with a fresh factory token; subscriptions are not kept by the server', async () => {
    let token = await login()
    const user = build(px.streams.userHubUrl, () => token, { reconnect: [0, 20, 50] })
    await user.start()
    await user.invoke('SubscribeAccounts')
    const reconnected = new Promise<void>((resolve) => user.onreconnected(() => resolve()))
    token = await login()
    expect(px.streams.kick()).toBe(1)
    await reconnected
    expect(px.streams.pushUser('GatewayUserAccount')).toBe(0) // group membership did not survive
    await user.invoke('SubscribeAccounts')
    const [first, second] = px.streams.log.connections()
    expect(first).toMatchObject({ open: false, closedBy: 'server', reason: 'kicked (allowReconnect)' })
    expect(second?.credential?.tag).toBe(credentialTag(token))
    expect(second?.credential?.serial).toBeGreaterThan(first?.credential?.serial ?? Infinity)
    expect(second?.subscriptions.map((s) => s.key)).toEqual(['SubscribeAccounts'])
  })

  test('kick without allowReconnect ends the connection for good', async () => {
    const token = await login()
    const user = build(px.streams.userHubUrl, () => token, { reconnect: [0] })
    await user.start()
    const closed = new Promise<Error | undefined>((resolve) => user.onclose((error) => resolve(error)))
    expect(px.streams.kick({ allowReconnect: false, error: 'maintenance' })).toBe(1)
    expect(String(await closed)).toMatch(/maintenance/)
    expect(user.state).toBe(HubConnectionState.Disconnected)
    expect(px.streams.log.list()).toHaveLength(1)
  })

  test('GatewayLogout reaches both hubs; with close it is followed by a final Close', async () => {
    const token = await login()
    const user = build(px.streams.userHubUrl, () => token, { reconnect: [0] })
    const market = build(px.streams.marketHubUrl, () => token)
    await Promise.all([user.start(), market.start()])
    const events = Promise.all([nextEvent(user, 'GatewayLogout'), nextEvent(market, 'GatewayLogout')])
    expect(px.streams.gatewayLogout()).toBe(2)
    expect(await events).toEqual([[], []])
    const closed = new Promise<void>((resolve) => user.onclose(() => resolve()))
    const logout = nextEvent(user, 'GatewayLogout')
    expect(px.streams.gatewayLogout({ hub: 'user', args: ['logged in elsewhere'], close: true })).toBe(1)
    expect(await logout).toEqual(['logged in elsewhere'])
    await closed
    expect(market.state).toBe(HubConnectionState.Connected)
    const entries = await px.streams.log.waitFor((l) => l.some((e) => !e.open))
    expect(entries.map((e) => [e.path, e.open, e.reason])).toEqual([
      ['/hubs/user', false, 'GatewayLogout'],
      ['/hubs/market', true, undefined],
    ])
    expect(px.streams.openSockets).toBe(1)
  })

  test('dropAll() → the SignalR client reconnects on its own', async () => {
    const token = await login()
    const market = build(px.streams.marketHubUrl, () => token, { reconnect: [0, 20] })
    await market.start()
    const reconnected = new Promise<void>((resolve) => market.onreconnected(() => resolve()))
    expect(px.streams.dropAll({ abrupt: true })).toBe(1)
    await reconnected
    expect(px.streams.log.connections().map((e) => [e.closeCode, e.reason])).toEqual([
      [1006, 'dropped'],
      [undefined, undefined],
    ])
  })

  test('closeOnTokenExpiry: at expiry the server sends Close(allowReconnect) and the client comes back with the renewed token', async () => {
    const emu = await startProjectXEmulator({ accessSeconds: 120, streams: { closeOnTokenExpiry: true, expiryCheckMs: 10, pushIntervalMs: 0 } })
    let token = await login(emu)
    const user = build(emu.streams.userHubUrl, () => token, { reconnect: [0, 20, 50] })
    await user.start()
    const reconnected = new Promise<void>((resolve) => user.onreconnected(() => resolve()))
    emu.clock.advance(100_000)
    // renewed 100 s into the first token's 120 s life: the new one lives until 220 s
    const renewed = await fetch(`${emu.url}/Auth/validate`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
    const next = ((await renewed.json()) as { newToken: string }).newToken
    token = next
    await new Promise((r) => setTimeout(r, 30))
    expect(user.state).toBe(HubConnectionState.Connected) // nothing happens to an open socket before expiry
    emu.clock.advance(21_000)
    await reconnected
    const [first, second] = emu.streams.log.connections()
    expect(first).toMatchObject({ closedBy: 'server', reason: 'token expired' })
    expect(second?.credential).toMatchObject({ tag: credentialTag(next), state: 'valid' })
    await user.stop()
    await emu.close()
  })

  test('closeOnTokenExpiry also closes a connection whose token is revoked (logout elsewhere)', async () => {
    const token = await login()
    const user = build(px.streams.userHubUrl, () => token)
    await user.start()
    const closed = new Promise<Error | undefined>((resolve) => user.onclose((error) => resolve(error)))
    px.streams.setCloseOnTokenExpiry(true)
    try {
      px.revokeToken(token)
      expect(px.streams.checkExpiry()).toBe(1)
      expect(String(await closed)).toMatch(/access token was revoked/)
    } finally {
      px.streams.setCloseOnTokenExpiry(false)
    }
    const [entry] = await px.streams.log.waitFor((l) => l[0]?.open === false)
    expect(entry).toMatchObject({ closedBy: 'server', reason: 'token revoked' })
  })

  test('refused upgrades and negotiates: 503 for a while, then a normal start; HTTP faults hit the negotiate route', async () => {
    const token = await login()
    const refusal = px.streams.refuseUpgrades({ status: 503, durationMs: 3000 })
    await expect(build(px.streams.userHubUrl, () => token).start()).rejects.toThrow()
    await expect(build(px.streams.userHubUrl, () => token, { negotiate: true }).start()).rejects.toThrow(/503/)
    px.clock.advance(3000)
    await build(px.streams.userHubUrl, () => token).start()
    expect(refusal.hits).toBe(2)
    px.faults.inject({ path: '/hubs/market/negotiate', fault: 500 })
    await expect(build(px.streams.marketHubUrl, () => token, { negotiate: true }).start()).rejects.toThrow(/500/)
    expect(px.streams.log.list().map((e) => [e.kind, e.status, e.fault])).toEqual([
      ['upgrade', 503, 'refuse'],
      ['negotiate', 503, 'refuse'],
      ['upgrade', 101, undefined],
    ])
  })

  test('pushIntervalMs: subscribed quotes and accounts are pushed on their own; userEventShape "wrapped"', async () => {
    const emu = await startProjectXEmulator({ streams: { pushIntervalMs: 20, userEventShape: 'wrapped' } })
    const token = await login(emu)
    const market = build(emu.streams.marketHubUrl, () => token)
    const user = build(emu.streams.userHubUrl, () => token)
    await Promise.all([market.start(), user.start()])
    const quote = nextEvent(market, 'GatewayQuote')
    const account = nextEvent(user, 'GatewayUserAccount')
    await market.invoke('SubscribeContractQuotes', 'CON.F.US.MNQ.Z25')
    await user.invoke('SubscribeAccounts')
    expect((await quote)[0]).toBe('CON.F.US.MNQ.Z25')
    expect((await account)[0]).toEqual({ action: 1, data: expect.objectContaining({ id: emu.credentials.accountId }) })
    await Promise.all([market.stop(), user.stop()])
    await emu.close()
  })
})

describe('projectx JSON hub protocol on the wire (plain ws)', () => {
  let wire: ProjectXEmulator
  beforeAll(async () => {
    wire = await startProjectXEmulator({ streams: { keepAliveIntervalMs: 30, clientTimeoutMs: 5000, handshakeTimeoutMs: 150, pushIntervalMs: 0 } })
  })
  afterAll(() => wire.close())

  async function raw(emu: ProjectXEmulator = wire): Promise<{
    ws: WebSocket
    frames: string[]
    next(match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>
    closed: Promise<number>
  }> {
    const token = await login(emu)
    const ws = new WebSocket(`${emu.streams.marketHubUrl.replace('http', 'ws')}?access_token=${token}`)
    const frames: string[] = []
    const messages: Record<string, unknown>[] = []
    const waiters = new Set<() => void>()
    ws.on('message', (data) => {
      const text = data.toString()
      frames.push(text)
      for (const part of text.split(RS).filter(Boolean)) messages.push(JSON.parse(part))
      for (const w of [...waiters]) w()
    })
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
    await new Promise((resolve) => ws.on('open', resolve))
    return {
      ws,
      frames,
      closed,
      next: (match) =>
        new Promise((resolve, reject) => {
          let i = 0
          const timer = setTimeout(() => reject(new Error(`no match in ${JSON.stringify(messages)}`)), 2000)
          const check = () => {
            for (; i < messages.length; i++) {
              const m = messages[i]
              if (m && match(m)) {
                clearTimeout(timer)
                waiters.delete(check)
                resolve(m)
                return
              }
            }
          }
          waiters.add(check)
          check()
        }),
    }
  }

  test('handshake {"protocol":"json","version":1}RS → {}RS; invocation → completion; server pings when idle', async () => {
    const c = await raw()
    c.ws.send(`{"protocol":"json","version":1}${RS}`)
    await c.next(() => true)
    expect(c.frames[0]).toBe(`{}${RS}`)
    // several messages in one frame, the last one split across two frames
    c.ws.send(
      `{"type":6}${RS}{"type":1,"invocationId":"0","target":"SubscribeContractQuotes","arguments":["CON.F.US.RTY.H25"]}${RS}{"type":1,"invocationId":"1",`,
    )
    c.ws.send(`"target":"SubscribeContractTrades","arguments":["CON.F.US.RTY.H25"]}${RS}`)
    expect(await c.next((m) => m.invocationId === '0')).toEqual({ type: 3, invocationId: '0' })
    expect(await c.next((m) => m.invocationId === '1')).toEqual({ type: 3, invocationId: '1' })
    wire.streams.pushMarket('GatewayQuote', 'CON.F.US.RTY.H25')
    const push = await c.next((m) => m.target === 'GatewayQuote')
    expect(push).toEqual({ type: 1, target: 'GatewayQuote', arguments: ['CON.F.US.RTY.H25', expect.any(Object)] })
    expect('invocationId' in push).toBe(false)
    for (const frame of c.frames) expect(frame.endsWith(RS)).toBe(true)
    c.ws.send(`{"type":6}${RS}`)
    expect(await c.next((m) => m.type === 6)).toEqual({ type: 6 })
    c.ws.send(`{"type":7}${RS}`)
    expect(await c.closed).toBe(1000)
  })

  test('an unsupported protocol or version gets {"error":…}RS and a close; no handshake in time closes too', async () => {
    const a = await raw()
    a.ws.send(`{"protocol":"messagepack","version":1}${RS}`)
    expect(await a.next(() => true)).toEqual({ error: "The protocol 'messagepack' is not supported." })
    expect(await a.closed).toBe(1000)
    const b = await raw()
    b.ws.send(`{"protocol":"json","version":2}${RS}`)
    expect(await b.next(() => true)).toEqual({ error: expect.stringMatching(/version 2/) })
    const c = await raw()
    expect(await c.closed).toBe(1000)
    expect(c.frames).toEqual([])
  })

  test('a silent client is dropped after clientTimeoutMs; a pinging one is not', async () => {
    const strict = await startProjectXEmulator({ streams: { clientTimeoutMs: 250, pushIntervalMs: 0 } })
    const silent = await raw(strict)
    silent.ws.send(`{"protocol":"json","version":1}${RS}`)
    const pinging = await raw(strict)
    pinging.ws.send(`{"protocol":"json","version":1}${RS}`)
    const timer = setInterval(() => pinging.ws.send(`{"type":6}${RS}`), 30)
    expect(await silent.closed).toBe(1000)
    expect(pinging.ws.readyState).toBe(WebSocket.OPEN)
    clearInterval(timer)
    pinging.ws.close()
    const entries = await strict.streams.log.waitFor((l) => l.length === 2 && l.every((e) => !e.open))
    expect(entries.map((e) => [e.closedBy, e.reason])).toEqual([
      ['server', 'no message from the client within 250 ms'],
      ['client', undefined],
    ])
    await strict.close()
  })

  test('a message without a type is a protocol error: Close with error, then the socket closes', async () => {
    const c = await raw()
    c.ws.send(`{"protocol":"json","version":1}${RS}`)
    c.ws.send(`{"target":"SubscribeAccounts"}${RS}`)
    expect(await c.next((m) => m.type === 7)).toEqual({ type: 7, error: expect.stringMatching(/type/) })
    expect(await c.closed).toBe(1000)
  })
})
