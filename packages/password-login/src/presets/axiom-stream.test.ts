import { ConfigError, InsecureTransportError, TokenExpiredError } from '@authmux/core'
import { type AxiomEmulator, credentialTag, type StreamLogEntry } from '@authmux/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { AXIOM_STREAM_USER_AGENT, type AxiomStreamAuth, type AxiomWebSocket, createAxiomAuth } from '../stream'
import { startAxiom } from './axiom.fixtures'
import { FAST, next, record, streamAuthFor } from './axiom-stream.fixtures'

// Axiom's feed (providers.md 9.4) against the testkit emulator: every assertion about what reached the server is read
// from the emulator's stream log (which token each upgrade carried, which rooms each connection joined).

const ACCESS_LIFETIME_MS = 960_000
let emu: AxiomEmulator
let auth: AxiomStreamAuth
let ws: AxiomWebSocket | undefined
afterEach(async () => {
  await ws?.close()
  ws = undefined
  await emu?.close()
})

const upgrades = () => emu.streams.log.list({ kind: 'upgrade' })
const rooms = (entry: StreamLogEntry | undefined) => entry?.subscriptions.filter((s) => s.op === 'join' && s.ok).map((s) => s.key)
/** Resolves once `count` connections were accepted and the last one joined `roomCount` rooms. */
const connected = (count: number, roomCount: number) =>
  emu.streams.log.waitFor((entries) => {
    const accepted = entries.filter((e) => e.status === 101)
    return accepted.length === count && rooms(accepted[count - 1])?.length === roomCount
  })

describe('axiom.connectWebSocket (cookies on the upgrade)', () => {
  it("sends the session's cookies, cf_clearance, Origin and a browser User-Agent; joins rooms; passes frames on", async () => {
    emu = await startAxiom({ streams: { pushIntervalMs: 0, requireOrigin: 'https://axiom.trade', requireCfClearance: 'cf-clearance-value' } })
    auth = streamAuthFor(emu, { cfClearance: 'cf-clearance-value' })
    ws = auth.connectWebSocket({ ...FAST, rooms: ['new_pairs'] })
    await next(ws, 'open')
    ws.join('v:WaLLet1111')
    ws.join('new_pairs') // already joined: not sent twice
    await connected(1, 2)
    const [entry] = emu.streams.log.connections()
    expect(entry?.credentials.map((c) => [c.via, c.tag, c.state])).toEqual([
      ['cookie:auth-access-token', credentialTag(auth.accessToken!), 'valid'],
      ['cookie:auth-refresh-token', expect.any(String), 'unchecked'],
      ['cookie:cf_clearance', credentialTag('cf-clearance-value'), 'valid'],
    ])
    expect(entry?.headers).toMatchObject({ origin: 'https://axiom.trade', 'user-agent': AXIOM_STREAM_USER_AGENT })
    expect(rooms(entry)).toEqual(['new_pairs', 'v:WaLLet1111'])
    expect(ws.rooms).toEqual(['new_pairs', 'v:WaLLet1111'])
    const message = next(ws, 'message')
    emu.streams.push('v:WaLLet1111', { type: 'buy', total_sol: 1.5 })
    expect(JSON.parse((await message).data)).toEqual({ room: 'v:WaLLet1111', content: { type: 'buy', total_sol: 1.5 } })
  })

  it('streamHeaders replace the defaults and add cookies; the auth cookies always win', async () => {
    emu = await startAxiom({ streams: { pushIntervalMs: 0 } })
    auth = streamAuthFor(emu, { streamHeaders: { 'user-agent': 'my-bot/1.0', Cookie: '__cf_bm=abc; auth-access-token=stale' } })
    const hooked: Array<readonly string[]> = []
    ws = auth.connectWebSocket({ ...FAST, rooms: ['new_pairs'], onOpen: (socket) => void hooked.push(socket.rooms) })
    await next(ws, 'open')
    expect(hooked).toEqual([['new_pairs']]) // the user's hook gets the Axiom socket, after the rooms were sent
    const [entry] = emu.streams.log.connections()
    expect(entry?.headers['user-agent']).toBe('my-bot/1.0')
    expect(entry?.headers.cookie).toBe('__cf_bm=[REDACTED]; auth-access-token=[REDACTED]; auth-refresh-token=[REDACTED]')
    expect(entry?.credential).toMatchObject({ tag: credentialTag(auth.accessToken!), state: 'valid' })
  })
})

describe('reconnects: fresh cookies, rooms re-joined', () => {
  it('a socket dropped by the server reconnects with a fresh token (renewed inside the refresh window) and every room', async () => {
    emu = await startAxiom({ streams: { pushIntervalMs: 0 } })
    auth = streamAuthFor(emu)
    ws = auth.connectWebSocket({ ...FAST, rooms: ['new_pairs', 's:MiNt1'] })
    const events = record(ws)
    await connected(1, 2)
    const first = auth.accessToken!
    // 100 s before expiry: inside the 2-minute window, the old token still valid. A reconnect must not use it.
    emu.clock.advance(ACCESS_LIFETIME_MS - 100_000)
    expect(emu.streams.dropAll()).toBe(1)
    await connected(2, 2)
    const [before, after] = emu.streams.log.connections()
    expect(before).toMatchObject({ closeCode: 1012, closedBy: 'server', credential: { tag: credentialTag(first) } })
    expect(after?.credential).toMatchObject({ tag: credentialTag(auth.accessToken!), state: 'valid' })
    expect(after?.credential?.serial).toBeGreaterThan(before?.credential?.serial ?? Number.POSITIVE_INFINITY)
    expect(auth.accessToken).not.toBe(first)
    expect(rooms(after)).toEqual(['new_pairs', 's:MiNt1'])
    expect(emu.stats.get().refreshes).toBe(1)
    expect(upgrades()).toHaveLength(2)
    expect(events.filter((e) => e.type === 'open').map((e) => e.type === 'open' && e.event.reconnected)).toEqual([false, true])
  })

  it('a token rotated while the stream is open is the one the next reconnect carries', async () => {
    emu = await startAxiom({ streams: { pushIntervalMs: 0 } })
    auth = streamAuthFor(emu)
    ws = auth.connectWebSocket({ ...FAST, rooms: ['new_pairs'] })
    await connected(1, 1)
    const first = auth.accessToken!
    emu.clock.advance(60_000)
    await auth.refresh() // e.g. by an HTTP call elsewhere in the bot
    expect(auth.accessToken).not.toBe(first)
    emu.streams.dropAll()
    await connected(2, 1)
    expect(upgrades().map((e) => e.credential?.tag)).toEqual([credentialTag(first), credentialTag(auth.accessToken!)])
    expect(emu.stats.get().refreshes).toBe(1) // the rotation only: the reconnect found the token fresh
  })

  it('never reconnects with an expired token: the access token expires while connected, then the server drops', async () => {
    emu = await startAxiom({ streams: { pushIntervalMs: 0 } })
    auth = streamAuthFor(emu)
    ws = auth.connectWebSocket({ ...FAST, rooms: ['new_pairs'] })
    await connected(1, 1)
    emu.clock.advance(ACCESS_LIFETIME_MS + 60_000) // no HTTP traffic meanwhile: nothing refreshed it
    expect(auth.status().state).toBe('expired')
    emu.streams.dropAll({ abrupt: true })
    await connected(2, 1)
    expect(upgrades().map((e) => [e.status, e.credential?.state])).toEqual([
      [101, 'valid'],
      [101, 'valid'],
    ])
    expect(emu.stats.get()).toMatchObject({ refreshes: 1, unauthorized: 0 })
  })

  it("the server's close at token expiry is followed by a reconnect with a refreshed token, rooms restored", async () => {
    emu = await startAxiom({ streams: { pushIntervalMs: 0, closeOnTokenExpiry: true, expiryCheckMs: 60_000 } })
    auth = streamAuthFor(emu)
    ws = auth.connectWebSocket({ ...FAST, rooms: ['new_pairs'] })
    await connected(1, 1)
    const first = auth.accessToken!
    emu.clock.advance(ACCESS_LIFETIME_MS)
    expect(emu.streams.checkExpiry()).toBe(1)
    await connected(2, 1)
    const [expired, fresh] = emu.streams.log.connections()
    expect(expired).toMatchObject({ closeCode: 1008, closedBy: 'server', reason: 'access token expired', credential: { tag: credentialTag(first) } })
    expect(fresh?.credential).toMatchObject({ tag: credentialTag(auth.accessToken!), state: 'valid' })
    expect(upgrades().every((e) => e.status === 101)).toBe(true)
    expect(emu.stats.get().refreshes).toBe(1)
  })

  it('falls back to the next cluster when one fails, and joins the rooms there', async () => {
    emu = await startAxiom({ streams: { pushIntervalMs: 0, paths: ['/cluster9', '/cluster3'] } })
    const feed = emu.streams.url.replace(/\/cluster9$/, '')
    auth = streamAuthFor(emu, { streamURLs: [`${feed}/cluster9`, `${feed}/cluster3`] })
    emu.faults.inject({ path: '/cluster9', fault: 'reset' })
    ws = auth.connectWebSocket({ ...FAST, rooms: ['new_pairs'] })
    await connected(1, 1)
    expect(upgrades().map((e) => [e.path, e.status])).toEqual([
      ['/cluster9', 0],
      ['/cluster3', 101],
    ])
    expect(rooms(emu.streams.log.connections()[0])).toEqual(['new_pairs'])
  })

  it('defaults to cluster9, then cluster3, cluster5, cluster7, and sends credentials to no other origin', () => {
    const axiom = createAxiomAuth({ env: false })
    expect(() => axiom.connectWebSocket({ url: 'wss://evil.example/' })).toThrow(
      /wss:\/\/cluster9\.axiom\.trade, wss:\/\/cluster3\.axiom\.trade, wss:\/\/cluster5\.axiom\.trade, wss:\/\/cluster7\.axiom\.trade/,
    )
    expect(() => createAxiomAuth({ env: false, streamURLs: ['ws://feed.example/'] }).connectWebSocket()).toThrow(InsecureTransportError)
  })
})

describe('auth rejections: one renew, one retry, then a typed error', () => {
  it('an upgrade refused with 401 → the token is renewed once and the socket reconnects once', async () => {
    emu = await startAxiom({ streams: { pushIntervalMs: 0 } })
    auth = streamAuthFor(emu)
    await auth.ensureValid()
    const first = auth.accessToken!
    emu.clock.advance(1000)
    emu.streams.refuseUpgrades({ status: 401, times: 1 })
    ws = auth.connectWebSocket({ ...FAST, rooms: ['new_pairs'] })
    const events = record(ws)
    await connected(1, 1)
    expect(upgrades().map((e) => [e.status, e.credential?.tag])).toEqual([
      [401, credentialTag(first)],
      [101, credentialTag(auth.accessToken!)],
    ])
    expect(auth.accessToken).not.toBe(first)
    expect(emu.stats.get().refreshes).toBe(1)
    expect(events.filter((e) => e.type === 'reconnecting')).toHaveLength(1)
    expect(events.some((e) => e.type === 'error')).toBe(false)
  })

  it('refused again after the renew → TokenExpiredError, closed, and no further attempts', async () => {
    emu = await startAxiom({ streams: { pushIntervalMs: 0 } })
    auth = streamAuthFor(emu)
    await auth.ensureValid()
    emu.clock.advance(1000)
    const refusal = emu.streams.refuseUpgrades({ status: 401 })
    ws = auth.connectWebSocket({ ...FAST, rooms: ['new_pairs'] })
    const events = record(ws)
    const [error] = await Promise.all([next(ws, 'error'), next(ws, 'close')])
    expect(error.error).toBeInstanceOf(TokenExpiredError)
    expect(error.error.message).toMatch(/^@authmux\/password-login: axiom refused the stream again/)
    expect(ws.state).toBe('closed')
    expect(upgrades().map((e) => e.status)).toEqual([401, 401])
    expect(emu.stats.get().refreshes).toBe(1)
    // Long enough for several backoff rounds (5–20 ms): nothing more is attempted.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(refusal.hits).toBe(2)
    expect(events.filter((e) => e.type === 'error')).toHaveLength(1)
    refusal.cancel()
  })
})

describe('typed errors', () => {
  it('a standard WebSocket (no headers, so no cookies) is a ConfigError from core, and nothing is sent', async () => {
    emu = await startAxiom({ streams: { pushIntervalMs: 0 } })
    auth = streamAuthFor(emu)
    class StandardWebSocket {
      addEventListener() {}
      send() {}
      close() {}
    }
    ws = auth.connectWebSocket({ WebSocket: StandardWebSocket })
    const { error } = await next(ws, 'error')
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({ field: 'WebSocket' })
    expect(ws.state).toBe('closed')
    expect(upgrades()).toHaveLength(0)
  })

  it('bad streamURLs, streamHeaders or rooms are ConfigErrors naming the option', () => {
    const config = (run: () => unknown, field: string) => {
      expect(run).toThrow(ConfigError)
      expect(run).toThrow(expect.objectContaining({ field }))
    }
    config(() => createAxiomAuth({ env: false, streamURLs: [] }), 'streamURLs')
    config(() => createAxiomAuth({ env: false, streamURLs: ['https://cluster9.axiom.trade/'] }), 'streamURLs')
    config(() => createAxiomAuth({ env: false, streamHeaders: { 'User Agent': 'x' } }), 'streamHeaders')
    config(() => createAxiomAuth({ env: false, streamHeaders: { 'User-Agent': 'line\r\nbreak' } }), 'streamHeaders')
    const socket = createAxiomAuth({ env: false }).connectWebSocket({ WebSocket: class {} })
    config(() => socket.join(''), 'room')
    void socket.close()
  })
})
