import { expect, test } from 'vitest'
import { startEmulators } from './index.js'

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
