import { type AuthWebSocketEventMap, ConfigError, connectWebSocket, InvalidCredentialsError, ProviderError, type Session } from '@authmux/core'
import { credentialTag, startTradeReadyEmulator, type TradeReadyEmulator } from '@authmux/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { createTradeReadyAuth as createMainEntryAuth } from '../../index'
import { expectNoSecrets, rejectionOf } from '../../test-support'
import { createTradeReadyAuth, type TradeReadyAuthOptions } from '../../stream'
import type { TradeReadyStream, TradeReadyStreamOptions } from '../../stream'
import { tradeReadyStreamURL } from '../../stream'

// TradeReady's /ws/v1 against the testkit stream emulator: every claim is read back from the emulator's stream log
// (which credential each upgrade carried, what each connection subscribed).

const emulators: TradeReadyEmulator[] = []
const sessions: Session[] = []
const streams: TradeReadyStream[] = []
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.close()))
  for (const s of sessions.splice(0)) s.dispose()
  await Promise.all(emulators.splice(0).map((e) => e.close()))
})

type Streams = NonNullable<Parameters<typeof startTradeReadyEmulator>[0]>['streams']
async function emulator(options: Streams = {}): Promise<TradeReadyEmulator> {
  const emu = await startTradeReadyEmulator({ startMs: Date.UTC(2026, 2, 1, 12), streams: { pingIntervalMs: 60_000, tickerIntervalMs: 0, ...options } })
  emulators.push(emu)
  return emu
}

function auth(emu: TradeReadyEmulator, options: TradeReadyAuthOptions = {}) {
  const strategy = createTradeReadyAuth({
    apiKey: emu.credentials.apiKey,
    apiSecret: emu.credentials.apiSecret,
    baseURL: emu.url,
    now: () => emu.clock.now(),
    retry: { maxRetries: 0 },
    env: false,
    ...options,
  })
  sessions.push(strategy)
  return strategy
}

type Recorded = { type: keyof AuthWebSocketEventMap; event: unknown }
function open(strategy: ReturnType<typeof auth>, options: TradeReadyStreamOptions = {}) {
  const stream = strategy.connectWebSocket({ reconnect: { baseDelayMs: 5, maxDelayMs: 20 }, ...options })
  streams.push(stream)
  const events: Recorded[] = []
  for (const type of ['open', 'message', 'reconnecting', 'close', 'error'] as const) stream.on(type, (event) => events.push({ type, event }))
  const ofType = <E extends keyof AuthWebSocketEventMap>(type: E) => events.filter((e) => e.type === type).map((e) => e.event as AuthWebSocketEventMap[E])
  return { stream, events, ofType }
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2))
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 80)) // several reconnect delays (5–20 ms)

describe('tradeready.connectWebSocket()', () => {
  it('opens /ws/v1 at the origin root with the API key (not the JWT) and stays up past three ping periods by answering {"action":"pong"}', async () => {
    const emu = await emulator({ pingIntervalMs: 30, pongTimeoutMs: 40 })
    const { stream, ofType } = open(auth(emu))
    // every frame this client sends here is a pong: five of them span more than three ping periods (a frame count
    // change does not wake streams.log.waitFor, so poll)
    await until(() => (emu.streams.log.list()[0]?.received ?? 0) >= 5)
    const [entry] = emu.streams.log.list()
    expect(entry).toMatchObject({ path: '/ws/v1', status: 101, open: true })
    expect(entry!.credentials).toEqual([{ via: 'query:api_key', tag: credentialTag(emu.credentials.apiKey), state: 'valid' }])
    expect(emu.streams.log.list()).toHaveLength(1)
    expect(ofType('reconnecting')).toEqual([])
    expect(ofType('message').filter((m) => m.data.includes('ping'))).toEqual([]) // answered, not passed on
    expect(stream.state).toBe('open')
    expect(emu.stats.get().logins).toBe(0) // the stream never needs a login
  })

  it('a socket dropped by the server reconnects with the API key and every subscription restored', async () => {
    const emu = await emulator()
    const { stream, ofType } = open(auth(emu))
    // subscribed before the socket is open: sent on connect, resolved by the server's replies
    const keys = await Promise.all([
      stream.subscribe({ channel: 'ticker', symbol: ' btcusdt ' }),
      stream.subscribe({ channel: 'candles', symbol: 'ETHUSDT', interval: '1m' }),
      stream.subscribe({ channel: 'orders' }),
      stream.subscribe({ channel: 'battle', battleId: 'b-42' }),
    ])
    expect(keys).toEqual(['ticker:BTCUSDT', 'candles:ETHUSDT:1m', 'orders', 'battle:b-42'])
    expect(emu.streams.dropAll()).toBe(1) // close 1012
    await emu.streams.log.waitFor((entries) => entries[1]?.subscriptions.length === 4)
    emu.streams.dropAll({ abrupt: true }) // 1006, no close frame
    const entries = await emu.streams.log.waitFor((list) => list[2]?.subscriptions.length === 4)
    for (const entry of entries) {
      expect(entry.credential).toEqual({ via: 'query:api_key', tag: credentialTag(emu.credentials.apiKey), state: 'valid' })
      expect(entry.subscriptions.map((s) => [s.op, s.key, s.ok])).toEqual(keys.map((key) => ['subscribe', key, true]))
    }
    expect(stream.subscriptions).toEqual(keys)
    await until(() => ofType('open').length === 3)
    expect(ofType('open').map((o) => o.reconnected)).toEqual([false, true, true])
    emu.streams.pushTicker('BTCUSDT')
    await until(() => ofType('message').some((m) => m.data.includes('"channel":"ticker"')))
  })

  it('a JWT rotated or expired while the stream is open never reaches it: every reconnect carries the API key (zero upgrades with an expired credential)', async () => {
    const emu = await emulator()
    const strategy = auth(emu)
    await strategy.login()
    const first = strategy.accessToken!
    const { stream } = open(strategy)
    await stream.subscribe({ channel: 'portfolio' })
    emu.clock.advance(1000) // a JWT of the same second would be the same JWT
    await strategy.login() // rotate
    expect(strategy.accessToken).not.toBe(first)
    emu.clock.advance(2 * 3_600_000) // both JWTs are now expired on the server
    emu.streams.dropAll()
    const entries = await emu.streams.log.waitFor((list) => list[1]?.subscriptions.length === 1)
    const jwtTags = [first, strategy.accessToken!].map(credentialTag)
    for (const entry of entries) {
      expect(entry.credentials.map((c) => [c.via, c.state])).toEqual([['query:api_key', 'valid']])
      expect(jwtTags).not.toContain(entry.credential!.tag)
    }
    expect(emu.stats.get().logins).toBe(2) // the two above; none for the stream
  })

  it('HTTP 403 on the upgrade is an InvalidCredentialsError: no renew, no retry, no further attempts', async () => {
    const emu = await emulator()
    const strategy = auth(emu, { apiKey: 'ak_live_not-a-key-of-this-emulator' })
    const { stream, ofType } = open(strategy)
    const waiting = stream.subscribe({ channel: 'orders' })
    expect(await rejectionOf(waiting)).toBeInstanceOf(InvalidCredentialsError) // the reason, not just "closed"
    expect(stream.state).toBe('closed')
    await settle()
    expect(emu.streams.log.list().map((e) => [e.status, e.credential?.state])).toEqual([[403, 'invalid']])
    expect(ofType('error').map((e) => e.error)).toEqual([expect.any(InvalidCredentialsError)])
    expect(ofType('reconnecting')).toEqual([])
    expect(emu.stats.get().logins).toBe(0)

    // a refusal of a good key (the account suspended while connected, say) ends it the same way
    const good = open(auth(emu))
    await good.stream.subscribe({ channel: 'orders' })
    emu.streams.refuseUpgrades({ status: 403 })
    emu.streams.dropAll()
    await until(() => good.stream.state === 'closed')
    await settle()
    expect(emu.streams.log.list().map((e) => e.status)).toEqual([403, 101, 403])
    expect(good.ofType('error').map((e) => e.error)).toEqual([expect.any(InvalidCredentialsError)])
    expect(await rejectionOf(good.stream.subscribe({ channel: 'portfolio' }))).toMatchObject({ code: 'NETWORK_ERROR' })
  })
})

describe('TradeReady stream subscriptions', () => {
  it('the 11th channel is a ConfigError before anything is sent; a held channel and an unsubscribe free no server slot twice', async () => {
    const emu = await emulator()
    const { stream } = open(auth(emu))
    const symbols = ['BTC', 'ETH', 'SOL', 'BNB', 'XRP', 'ADA', 'DOT', 'AVAX'].map((s) => `${s}USDT`)
    await Promise.all([...symbols.map((symbol) => stream.subscribe({ channel: 'ticker', symbol })), stream.subscribe({ channel: 'orders' })])
    await stream.subscribe({ channel: 'portfolio' })
    const limit = await rejectionOf(stream.subscribe({ channel: 'ticker_all' }))
    expect(limit).toBeInstanceOf(ConfigError)
    expect(limit).toMatchObject({ providerCode: 'SUBSCRIPTION_LIMIT', field: 'subscription' })
    expect(await stream.subscribe({ channel: 'orders' })).toBe('orders') // held: at once, not counted
    const [entry] = emu.streams.log.connections()
    expect(entry!.subscriptions).toHaveLength(10) // the 11th and the repeat never went out
    expect(await stream.unsubscribe({ channel: 'ticker', symbol: 'BTCUSDT' })).toBe('ticker:BTCUSDT')
    expect(await stream.subscribe({ channel: 'ticker_all' })).toBe('ticker:all')
    expect(stream.subscriptions).toHaveLength(10)
    expect(stream.subscriptions).not.toContain('ticker:BTCUSDT')
    const [latest] = emu.streams.log.connections()
    expect(latest!.subscriptions.slice(10).map((s) => [s.op, s.key, s.ok])).toEqual([
      ['unsubscribe', 'ticker:BTCUSDT', true],
      ['subscribe', 'ticker:all', true],
    ])
  })

  it("the server's error reply rejects the call with a typed ProviderError and the channel is not restored", async () => {
    const emu = await emulator({ subscriptionLimit: 1 }) // a stricter server than the client's 10
    const { stream, ofType } = open(auth(emu))
    await stream.subscribe({ channel: 'orders' })
    const refused = await rejectionOf(stream.subscribe({ channel: 'portfolio' }))
    expect(refused).toBeInstanceOf(ProviderError)
    expect(refused).toMatchObject({ providerCode: 'SUBSCRIPTION_LIMIT', provider: 'tradeready' })
    expect(stream.subscriptions).toEqual(['orders'])
    emu.streams.dropAll()
    const entries = await emu.streams.log.waitFor((list) => list[1]?.subscriptions.length === 1)
    expect(entries[1]!.subscriptions.map((s) => s.key)).toEqual(['orders'])
    expect(ofType('error')).toEqual([])
  })

  it('a malformed subscription is a ConfigError naming the field', async () => {
    const emu = await emulator()
    const { stream } = open(auth(emu))
    expect(await rejectionOf(stream.subscribe({ channel: 'ticker', symbol: ' ' }))).toMatchObject({ field: 'symbol' })
    // @ts-expect-error not an interval the server knows
    expect(await rejectionOf(stream.subscribe({ channel: 'candles', symbol: 'BTCUSDT', interval: '2m' }))).toMatchObject({ field: 'interval' })
    // @ts-expect-error the SDK's full-key form, which the server rejects
    expect(await rejectionOf(stream.subscribe({ channel: 'ticker:BTCUSDT' }))).toMatchObject({ field: 'channel' })
  })
})

describe('TradeReady stream configuration', () => {
  it('derives ws(s)://<host>/ws/v1 from baseURL; another origin or a keyless (session-only) strategy is a ConfigError', async () => {
    expect(tradeReadyStreamURL('https://api.tradeready.io/api/v1')).toBe('wss://api.tradeready.io/ws/v1')
    expect(tradeReadyStreamURL('http://127.0.0.1:8000/api/v1')).toBe('ws://127.0.0.1:8000/ws/v1')
    const emu = await emulator()
    const strategy = auth(emu)
    expect(() => strategy.connectWebSocket({ url: 'ws://127.0.0.2:9/ws/v1' })).toThrow(ConfigError)
    const sessionOnly = auth(emu, { apiKey: undefined, apiSecret: undefined, storeKey: 'tradeready:saved' })
    expect(() => sessionOnly.connectWebSocket()).toThrow(expect.objectContaining({ field: 'apiKey' }))
    // options.url on the stream origin is taken as given
    const { stream } = open(strategy, { url: `${emu.streams.url}?client=bot` })
    await until(() => stream.state === 'open')
    expect(emu.streams.log.list()[0]!.status).toBe(101)
  })

  it("core's connectWebSocket() takes a main-entry strategy: the flow declares the stream (key, pong, final 403)", async () => {
    const emu = await emulator({ pingIntervalMs: 20, pongTimeoutMs: 40 })
    const strategy = createMainEntryAuth({ apiKey: emu.credentials.apiKey, baseURL: emu.url, env: false })
    sessions.push(strategy)
    const socket = connectWebSocket(strategy)
    try {
      await until(() => (emu.streams.log.list()[0]?.received ?? 0) >= 3) // three pongs, still the first socket
      expect(emu.streams.log.list().map((e) => [e.status, e.open, e.credential?.via])).toEqual([[101, true, 'query:api_key']])
    } finally {
      await socket.close()
    }
  })

  it('canary: no API key, JWT or credential-bearing URL in any event, error or log line of the stream', async () => {
    const emu = await emulator()
    const lines: unknown[] = []
    const logger = {
      debug: (...a: unknown[]) => lines.push(a),
      info: (...a: unknown[]) => lines.push(a),
      warn: (...a: unknown[]) => lines.push(a),
      error: (...a: unknown[]) => lines.push(a),
    }
    const strategy = auth(emu, { logger })
    await strategy.login()
    const jwt = strategy.accessToken!
    const good = open(strategy)
    await good.stream.subscribe({ channel: 'orders' })
    emu.streams.dropAll()
    await until(() => good.ofType('open').length === 2)
    const badKey = 'ak_live_CANARY-not-registered-anywhere-0123456789'
    const bad = open(auth(emu, { apiKey: badKey, logger }))
    await until(() => bad.stream.state === 'closed')
    const everything = [...good.events, ...bad.events, ...lines]
    expect(good.ofType('open')[0]!.url).toContain('api_key=[REDACTED]')
    expectNoSecrets(everything, [emu.credentials.apiKey, emu.credentials.apiSecret, jwt, badKey])
    expect(JSON.stringify(everything)).not.toMatch(/api_key=(?!\[REDACTED\])/)
  })
})
