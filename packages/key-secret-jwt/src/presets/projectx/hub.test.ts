import { credentialTag } from '@authmux/testkit'
import { HubConnectionState } from '@microsoft/signalr'
import { describe, expect, it } from 'vitest'
import { projectXHubURL } from '../../signalr'
import { calls, cleanUpHubs, open, setup, until } from './test-support'

// ProjectX hubs with the real @microsoft/signalr client against the testkit's SignalR hubs; which token each
// upgrade carried and what each connection subscribed are read from the emulator's stream log.

cleanUpHubs()
const CONTRACT = 'CON.F.US.EP.Z25'

describe('hubConnection(projectx, hub)', () => {
  it("connects to /hubs/<hub> at the origin root with the strategy's current token in access_token (and the Node client's header)", async () => {
    const { emu, projectx } = await setup()
    const { hub, ofType } = open(projectx, 'user')
    await hub.start()
    expect(hub.connection.state).toBe(HubConnectionState.Connected)
    const [entry] = emu.streams.log.list()
    const tag = credentialTag(projectx.accessToken!)
    expect(entry).toMatchObject({ kind: 'upgrade', path: '/hubs/user', status: 101 }) // skipNegotiation: no negotiate
    expect(entry!.credential).toMatchObject({ via: 'query:access_token', tag, state: 'valid' })
    expect(entry!.credentials.map((c) => [c.via, c.tag])).toEqual([
      ['query:access_token', tag],
      ['header:authorization', tag],
    ])
    expect(ofType('open')).toEqual([{ hub: 'user', reconnected: false }])
  })

  it('a socket dropped by the server reconnects with a fresh token and every subscription restored', async () => {
    const { emu, projectx } = await setup()
    const { accountId } = emu.credentials
    const user = open(projectx, 'user')
    const market = open(projectx, 'market')
    // remembered before start, invoked on connect and again after every reconnect
    await user.hub.subscribe('SubscribeAccounts')
    await user.hub.subscribe('SubscribeOrders', accountId)
    await user.hub.subscribe('SubscribePositions', accountId)
    await user.hub.subscribe('SubscribeTrades', accountId)
    await market.hub.subscribe('SubscribeContractQuotes', CONTRACT)
    await Promise.all([user.hub.start(), market.hub.start()])
    const userKeys = ['SubscribeAccounts', `SubscribeOrders:${accountId}`, `SubscribePositions:${accountId}`, `SubscribeTrades:${accountId}`]
    const subscribed = (path: string) => emu.streams.log.connections().filter((e) => e.path === path)
    await until(() => subscribed('/hubs/user')[0]?.subscriptions.length === 4 && subscribed('/hubs/market')[0]?.subscriptions.length === 1)

    expect(emu.streams.dropAll()).toBe(2)
    await until(() => subscribed('/hubs/user')[1]?.subscriptions.length === 4 && subscribed('/hubs/market')[1]?.subscriptions.length === 1)
    for (const entry of subscribed('/hubs/user')) expect(entry.subscriptions.map((s) => [s.key, s.ok]).sort()).toEqual(userKeys.map((k) => [k, true]).sort())
    for (const entry of subscribed('/hubs/market')) expect(entry.subscriptions.map((s) => s.key)).toEqual([`SubscribeContractQuotes:${CONTRACT}`])
    // every upgrade carried the token the strategy held then, valid
    for (const entry of emu.streams.log.list()) expect(entry.credential).toMatchObject({ tag: credentialTag(projectx.accessToken!), state: 'valid' })
    await until(() => user.ofType('open').length === 2 && market.ofType('open').length === 2)
    expect(user.ofType('open').map((o) => o.reconnected)).toEqual([false, true])

    // the restored subscriptions deliver
    const quotes: unknown[] = []
    const orders: unknown[] = []
    market.hub.on('GatewayQuote', (contractId, quote) => quotes.push([contractId, quote]))
    user.hub.on('GatewayUserOrder', (order) => orders.push(order))
    emu.streams.pushMarket('GatewayQuote', CONTRACT)
    emu.streams.pushUser('GatewayUserOrder', { accountId })
    await until(() => quotes.length === 1 && orders.length === 1)
    expect(quotes[0]).toEqual([CONTRACT, expect.objectContaining({ lastPrice: expect.any(Number) })])
    expect(market.lines.join('\n')).not.toContain('Result given') // a one-line arrow's return value is not a client result
  })

  it('a token renewed through /Auth/validate reaches the next reconnect', async () => {
    const { emu, projectx } = await setup()
    const { hub } = open(projectx, 'market')
    await hub.subscribe('SubscribeContractTrades', CONTRACT)
    await hub.start()
    const before = projectx.accessToken!
    emu.clock.advance(1000) // a token of the same second would be the same token
    await projectx.refresh()
    const renewed = projectx.accessToken!
    expect(renewed).not.toBe(before)
    expect(calls(emu, '/api/Auth/validate')).toBe(1)
    expect(emu.streams.kick({ hub: 'market', allowReconnect: true })).toBe(1)
    const entries = await emu.streams.log.waitFor((list) => list[1]?.subscriptions.length === 1)
    expect(entries.map((e) => e.credential?.tag)).toEqual([credentialTag(before), credentialTag(renewed)])
    expect(entries[1]!.credentials.map((c) => c.tag)).toEqual([credentialTag(renewed), credentialTag(renewed)]) // query and header alike
  })

  it('zero reconnects with an expired token: closed at expiry by the server, the hub renews before it reconnects', async () => {
    const { emu, projectx } = await setup({ closeOnTokenExpiry: true })
    const { hub, ofType } = open(projectx, 'user')
    await hub.subscribe('SubscribeAccounts')
    await hub.start()
    const expired = projectx.accessToken!
    emu.clock.advance(24 * 3_600_000 + 1000) // past exp on the server's and the strategy's clock
    emu.streams.checkExpiry() // Close {allowReconnect: true}, as ASP.NET's CloseOnAuthenticationExpiration
    const entries = await emu.streams.log.waitFor((list) => list[1]?.subscriptions.length === 1)
    expect(entries.map((e) => [e.status, e.credential?.state])).toEqual([
      [101, 'valid'],
      [101, 'valid'],
    ])
    expect(entries[1]!.credential!.tag).not.toBe(credentialTag(expired))
    expect(entries[1]!.credential!.tag).toBe(credentialTag(projectx.accessToken!))
    expect(ofType('error')).toEqual([])
  })

  it('a failed first start() is retried with backoff instead of given up', async () => {
    const { emu, projectx } = await setup()
    emu.streams.refuseUpgrades({ status: 503, times: 2 })
    const { hub, ofType } = open(projectx, 'user')
    await hub.start()
    expect(emu.streams.log.list().map((e) => e.status)).toEqual([503, 503, 101])
    expect(ofType('reconnecting').map((r) => r.attempt)).toEqual([1, 2])
    expect(calls(emu, '/api/Auth/validate')).toBe(0) // a 503 is not about the token
  })
})

describe('the /signalr entry', () => {
  it("its createProjectXAuth has projectx.hubConnection(hub): the same hub, on that strategy's token", async () => {
    const { emu, projectx } = await setup()
    const market = projectx.hubConnection('market', { reconnect: { baseDelayMs: 5 } })
    const quotes: string[] = []
    market.on('GatewayQuote', (contractId) => quotes.push(contractId))
    await market.subscribe('SubscribeContractQuotes', CONTRACT)
    await market.start()
    emu.streams.pushMarket('GatewayQuote', CONTRACT)
    await until(() => quotes.length === 1)
    expect(emu.streams.log.list()[0]!.credential!.tag).toBe(credentialTag(projectx.accessToken!))
    await market.stop()
    expect(await projectx.account()).toMatchObject({ id: emu.credentials.accountId }) // the preset's extras are there too
  })
})

describe('projectXHubURL', () => {
  it('maps the Gateway REST hosts to their realtime hosts, anything else to its own origin', () => {
    expect(projectXHubURL('https://api.topstepx.com/api', 'user')).toBe('https://rtc.topstepx.com/hubs/user')
    expect(projectXHubURL('https://gateway-api-demo.s2f.projectx.com/api', 'market')).toBe('https://gateway-rtc-demo.s2f.projectx.com/hubs/market')
    expect(projectXHubURL('https://api.thefuturesdesk.projectx.com/api', 'user')).toBe('https://rtc.thefuturesdesk.projectx.com/hubs/user')
    expect(projectXHubURL('http://127.0.0.1:4010/api', 'market')).toBe('http://127.0.0.1:4010/hubs/market')
    expect(projectXHubURL('https://api.example.com/projectx/api', 'user')).toBe('https://api.example.com/hubs/user')
  })
})
