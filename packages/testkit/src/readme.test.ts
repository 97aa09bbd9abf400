import { expect, test } from 'vitest'
import WebSocket from 'ws'
import { credentialTag, startEmulators, startTradeReadyEmulator } from './index.js'

// The quick-start example of README.md, verbatim apart from the assertions.
test('README quick start', async () => {
  const emu = await startEmulators()
  const res = await fetch(`${emu.urls.tradeready}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: emu.credentials.tradeready.apiKey, api_secret: emu.credentials.tradeready.apiSecret }),
  })
  expect(res.status).toBe(200)
  const { token } = (await res.json()) as { token: string }
  emu.clock.advance(3_601_000) // the token is now expired on the server; no sleeping
  const expired = await fetch(`${emu.urls.tradeready}/account/info`, { headers: { authorization: `Bearer ${token}` } })
  expect(expired.status).toBe(401)
  await emu.close()
})

// The realtime example of README.md ("Realtime streams"), verbatim apart from the assertions.
test('README realtime streams example', async () => {
  const tr = await startTradeReadyEmulator({ streams: { pingIntervalMs: 50, tickerIntervalMs: 0 } })
  const ws = new WebSocket(`${tr.streams.url}?api_key=${tr.credentials.apiKey}`)
  const received: { channel?: string; type?: string }[] = []
  ws.on('message', (data) => {
    const message = JSON.parse(String(data))
    received.push(message)
    if (message.type === 'ping') ws.send(JSON.stringify({ action: 'pong' }))
  })
  const closed = new Promise<number>((resolve) => ws.once('close', resolve))
  await new Promise((resolve) => ws.once('open', resolve))
  ws.send(JSON.stringify({ action: 'subscribe', channel: 'ticker', symbol: 'BTCUSDT' }))
  await tr.streams.log.waitFor((entries) => entries[0]?.subscriptions.length === 1)
  expect(tr.streams.pushTicker('BTCUSDT')).toBe(1)
  tr.streams.dropAll()
  expect(await closed).toBe(1012)
  expect(received.filter((m) => m.channel === 'ticker')).toHaveLength(1)

  const [first] = tr.streams.log.connections()
  expect(first?.credential).toEqual({ via: 'query:api_key', tag: credentialTag(tr.credentials.apiKey), state: 'valid' })
  expect(first?.subscriptions).toEqual([{ op: 'subscribe', key: 'ticker:BTCUSDT', ok: true, at: expect.any(Number) }])
  await tr.close()
})
