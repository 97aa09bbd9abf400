import { ConfigError, InsecureTransportError, InvalidCredentialsError, ProviderError, TokenExpiredError } from '@authmux/core'
import { HubConnectionState, LogLevel } from '@microsoft/signalr'
import { describe, expect, it } from 'vitest'
import { expectNoSecrets, rejectionOf } from '../../test-support'
import { HubRedactor, redactingLogger } from './hub-redact'
import { calls, cleanUpHubs, open, type Recorded, settle, setup, until } from './test-support'

// Rejections, GatewayLogout, configuration and the redaction canary of the ProjectX hubs (real SignalR client,
// testkit hubs; counts read from the emulator's stream and request logs).

cleanUpHubs()

describe('ProjectX hub: an upgrade refused for authentication', () => {
  it('on the first start: exactly one renew (/Auth/validate) and one retry, then a TokenExpiredError and no further attempts', async () => {
    const { emu, projectx } = await setup()
    await projectx.login()
    emu.streams.refuseUpgrades({ status: 401 })
    const { hub, ofType } = open(projectx, 'user')
    const error = await rejectionOf(hub.start())
    expect(error).toBeInstanceOf(TokenExpiredError)
    await settle()
    expect(emu.streams.log.list().map((e) => e.status)).toEqual([401, 401])
    expect(calls(emu, '/api/Auth/validate')).toBe(1)
    const [first, second] = emu.streams.log.list()
    expect(second!.credential!.tag).not.toBe(first!.credential!.tag) // the retry carried the renewed token
    expect(ofType('error').map((e) => e.error)).toEqual([error])
    expect(ofType('close')).toHaveLength(1)
    expect(hub.connection.state).toBe(HubConnectionState.Disconnected)
  })

  it('on a reconnect: the same, and the hub stops instead of looping', async () => {
    const { emu, projectx } = await setup()
    const { hub, ofType } = open(projectx, 'market')
    await hub.subscribe('SubscribeContractQuotes', 'CON.F.US.ENQ.Z25')
    await hub.start()
    emu.streams.refuseUpgrades({ status: 401 })
    emu.streams.kick({ hub: 'market' })
    await until(() => ofType('close').length === 1)
    await settle()
    expect(emu.streams.log.list().map((e) => e.status)).toEqual([101, 401, 401])
    expect(calls(emu, '/api/Auth/validate')).toBe(1)
    expect(ofType('error').map((e) => e.error)).toEqual([expect.any(TokenExpiredError)])
    expect(ofType('reconnecting').map((r) => r.reason)).toContain('HTTP 401 on the upgrade; renewing the token')
  })

  it('credentials the provider refuses end start() at once: no upgrade, no loop', async () => {
    const { emu, projectx } = await setup({}, { apiKey: 'definitely-not-the-key-of-this-user' })
    const { hub, ofType } = open(projectx, 'user')
    expect(await rejectionOf(hub.start())).toBeInstanceOf(InvalidCredentialsError)
    await settle()
    expect(emu.streams.log.list()).toEqual([])
    expect(calls(emu, '/api/Auth/loginKey')).toBe(1)
    expect(ofType('reconnecting')).toEqual([])
  })
})

describe('ProjectX hub: GatewayLogout and refusals', () => {
  it('GatewayLogout is a logout event and the hub stops: no reconnect loop', async () => {
    const { emu, projectx } = await setup()
    const user = open(projectx, 'user')
    const market = open(projectx, 'market')
    const seen: unknown[] = []
    user.hub.on('GatewayLogout', (...args) => seen.push(args))
    await Promise.all([user.hub.start(), market.hub.start()])
    expect(emu.streams.gatewayLogout({ hub: 'user', args: ['logged in elsewhere'] })).toBe(1)
    expect(emu.streams.gatewayLogout({ hub: 'market', close: true })).toBe(1) // followed by a final Close
    await until(() => user.ofType('close').length === 1 && market.ofType('close').length === 1)
    await settle()
    expect(user.events.map((e) => e.type)).toEqual(['open', 'logout', 'close'])
    expect(user.ofType('logout')).toEqual([{ hub: 'user', args: ['logged in elsewhere'] }])
    expect(user.ofType('close')[0]!.reason).toMatch(/^GatewayLogout/)
    expect(market.events.map((e) => e.type)).toEqual(['open', 'logout', 'close'])
    expect(seen).toEqual([['logged in elsewhere']]) // the passthrough handler saw it too
    expect(emu.streams.log.list()).toHaveLength(2) // nobody reconnected
    expect(user.hub.connection.state).toBe(HubConnectionState.Disconnected)
  })

  it('a subscription the server refuses rejects with a ProviderError and is not restored', async () => {
    const { emu, projectx } = await setup()
    const { hub } = open(projectx, 'user')
    await hub.start()
    // @ts-expect-error accountId must be a number; the hub answers with an error Completion
    const refused = await rejectionOf(hub.subscribe('SubscribeOrders', 'not-a-number'))
    expect(refused).toBeInstanceOf(ProviderError)
    expect(refused.message).toContain('refused SubscribeOrders("not-a-number")')
    expect(hub.subscriptions).toEqual([])
    await hub.subscribe('SubscribeAccounts')
    await hub.unsubscribe('SubscribeAccounts') // → UnsubscribeAccounts
    expect(hub.subscriptions).toEqual([])
    const [entry] = emu.streams.log.connections()
    expect(entry!.subscriptions.map((s) => [s.op, s.key, s.ok])).toEqual([
      ['subscribe', 'SubscribeOrders:not-a-number', false],
      ['subscribe', 'SubscribeAccounts', true],
      ['unsubscribe', 'UnsubscribeAccounts', true],
    ])
  })

  it('a hub URL that carries a token, is not absolute, or is plain http to a remote host is refused before any token is sent', async () => {
    const { projectx } = await setup()
    expect(() => open(projectx, 'user', { url: 'https://rtc.topstepx.com/hubs/user?access_token=eyJabc.def.ghi' })).toThrow(ConfigError)
    expect(() => open(projectx, 'user', { url: '/hubs/user' })).toThrow(ConfigError)
    expect(() => open(projectx, 'user', { url: 'http://rtc.example.com/hubs/user' })).toThrow(InsecureTransportError)
    // @ts-expect-error only the two hubs exist
    expect(() => open(projectx, 'orders')).toThrow(expect.objectContaining({ field: 'hub' }))
  })
})

describe('ProjectX hub canary', () => {
  it('no token, API key or token-bearing URL in any log line, event or error of the hub', async () => {
    const { emu, projectx } = await setup()
    const tokens: string[] = []
    const keep = () => tokens.push(projectx.accessToken!)
    const everything: unknown[] = []
    const collect = (opened: ReturnType<typeof open>) => everything.push(opened.events, opened.lines)

    const user = open(projectx, 'user')
    collect(user)
    await user.hub.subscribe('SubscribeAccounts')
    await user.hub.start()
    keep()
    emu.clock.advance(1000)
    await projectx.refresh()
    keep()
    emu.streams.kick({ hub: 'user' })
    await until(() => user.ofType('open').length === 2)
    everything.push(await rejectionOf(user.hub.subscribe('SubscribeOrders', Number.NaN)))
    emu.streams.gatewayLogout({ hub: 'user', args: [{ token: projectx.accessToken }] })
    await until(() => user.ofType('close').length === 1)

    emu.streams.refuseUpgrades({ status: 401 }) // the refused-twice path: its error, events and log lines too
    const market = open(projectx, 'market')
    collect(market)
    everything.push(await rejectionOf(market.hub.start()))
    keep()
    expect(user.lines.length).toBeGreaterThan(10) // every level was captured, trace included

    expectNoSecrets(everything, [...tokens, emu.credentials.apiKey])
    expect(JSON.stringify(everything)).not.toMatch(/eyJ[\w-]{4,}\./)
    expect(JSON.stringify(everything)).not.toMatch(/access_token=(?!\[REDACTED\])/)
    expect((everything[0] as Recorded[]).some((e) => e.type === 'logout')).toBe(true)
  })

  it("SignalR's own lines are redacted before the logger sees them (in a browser its socket URL carries the token)", () => {
    const redactor = new HubRedactor()
    const token = 'opaque-CANARY-token/with+chars'
    redactor.add(token)
    const lines: string[] = []
    const logger = redactingLogger({ log: (_level, message) => lines.push(message) }, redactor)
    logger.log(LogLevel.Information, `WebSocket connected to wss://rtc.topstepx.com/hubs/user?access_token=${encodeURIComponent(token)}.`)
    logger.log(LogLevel.Debug, `HubConnection failed: Bearer ${token}, eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln`)
    expect(lines).toEqual([
      'WebSocket connected to wss://rtc.topstepx.com/hubs/user?access_token=[REDACTED]', // the value runs to the end
      'HubConnection failed: Bearer [REDACTED], [REDACTED]',
    ])
  })
})
