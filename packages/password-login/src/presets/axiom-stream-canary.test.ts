import { inspect } from 'node:util'
import { type AuthLogger, MemoryTokenStore } from '@authmux/core'
import type { AxiomEmulator } from '@authmux/testkit'
import { afterEach, expect, it } from 'vitest'
import type { AxiomWebSocket } from '../stream'
import { startAxiom } from './axiom.fixtures'
import { FAST, next, streamAuthFor } from './axiom-stream.fixtures'

// Canaries for the stream: no cookie, token, cf_clearance or password in any log line, stream event, strategy event or
// error of a stream's life — connect, drops (one with a close reason that echoes a cookie), rotation, close at expiry,
// auth rejections to the end.

const EMAIL = 'stream-canary@axiom.test'
const PASSWORD = 'CANARY-stream-password-3f9a'
const CF = 'CANARY-cf-clearance-81d0'
const BM = 'CANARY-cf-bm-77aa'

let emu: AxiomEmulator
let ws: AxiomWebSocket | undefined
afterEach(async () => {
  await ws?.close()
  await emu?.close()
})

it('no token, cookie, cf_clearance or password in any log line, stream event, strategy event or error', async () => {
  emu = await startAxiom({ streams: { pushIntervalMs: 0, requireCfClearance: CF, closeOnTokenExpiry: true, expiryCheckMs: 60_000 } })
  await emu.addAccount({ email: EMAIL, password: PASSWORD })
  const seen: string[] = []
  const record = (value: unknown) => {
    seen.push(typeof value === 'string' ? value : inspect(value, { depth: 10, showHidden: true }), JSON.stringify(value) ?? '')
    if (value instanceof Error) seen.push(value.message, value.stack ?? '', inspect(value.cause, { depth: 10, showHidden: true }))
  }
  const line = (level: string) => (message: string, data?: Record<string, unknown>) => record(`${level} ${message} ${inspect(data, { depth: 10 })}`)
  const logger: AuthLogger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') }
  const store = new MemoryTokenStore()
  const auth = streamAuthFor(emu, {
    email: EMAIL,
    password: PASSWORD,
    otp: async () => emu.inbox.latestCode(EMAIL) ?? '',
    cfClearance: CF,
    streamHeaders: { Cookie: `__cf_bm=${BM}` },
    logger,
    store,
  })
  for (const event of ['login', 'refresh', 'logout', 'error'] as const) auth.on(event, record)
  const tokens = new Set<string>()
  const keep = async () => {
    const stored = await store.get(await auth.storeKey())
    for (const token of [stored?.accessToken, stored?.refreshToken]) if (token) tokens.add(token)
  }
  const accepted = (count: number) => emu.streams.log.waitFor((entries) => entries.filter((e) => e.status === 101).length === count)

  ws = auth.connectWebSocket({ ...FAST, rooms: ['new_pairs'], onOpen: (socket) => record(socket) })
  for (const event of ['open', 'message', 'reconnecting', 'close', 'error'] as const) ws.on(event, record)
  record(ws)
  await accepted(1)
  await keep()

  // A drop whose close reason echoes a cookie (a hostile or buggy server; a JWT is longer than a close reason may be):
  // the reconnecting event must not repeat it.
  emu.streams.dropAll({ code: 4000, reason: `bye ${CF}` })
  await accepted(2)

  // Rotated while open, then dropped; then the server's close at token expiry.
  emu.clock.advance(60_000)
  await auth.refresh()
  await keep()
  emu.streams.dropAll()
  await accepted(3)
  emu.clock.advance(960_000)
  emu.streams.checkExpiry()
  await accepted(4)
  await keep()

  // Refused for good: one renew, one retry, then the typed error.
  emu.clock.advance(1000)
  const refusal = emu.streams.refuseUpgrades({ status: 401, body: { error: `no: ${[...tokens].join(' ')}` } })
  const ended = Promise.all([next(ws, 'error'), next(ws, 'close')])
  emu.streams.dropAll()
  const [failure] = await ended
  record(failure.error)
  await keep()
  refusal.cancel()
  record(auth)
  record(emu.streams.log.list())

  const secrets = [PASSWORD, CF, BM, ...tokens]
  expect(tokens.size).toBeGreaterThanOrEqual(4) // the refresh token and three access tokens at least
  const everything = seen.join('\n')
  for (const secret of secrets) {
    if (process.env.CANARY_DEBUG) for (const entry of seen) if (entry.includes(secret)) console.log('LEAK', secret, entry.slice(0, 2000))
    expect(everything).not.toContain(secret)
  }
  // The canary really was exercised: the reason, the renewals and the final error were all recorded.
  expect(everything).toContain('closed (4000 bye [REDACTED')
  expect(everything).toContain('right after the token was renewed')
  expect(everything).toMatch(/HTTP 401 on the upgrade; renewed the token/)
})
