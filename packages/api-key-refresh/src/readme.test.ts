import { startApalaEmulator, type ApalaEmulator } from '@authmux/testkit'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { createApalaAuth } from './index'

let emu: ApalaEmulator
beforeAll(async () => {
  emu = await startApalaEmulator()
  vi.stubEnv('APALA_API_KEY', emu.credentials.apiKey)
  vi.stubEnv('APALA_BASE_URL', emu.url)
})
afterAll(async () => {
  vi.unstubAllEnvs()
  await emu?.close()
})

it('the README example runs as written', async () => {
  // --- README example ---
  const apala = createApalaAuth() // APALA_API_KEY, APALA_BASE_URL (an origin)
  const result = await apala.fetch('/api/message_optimizer', {
    method: 'POST',
    body: { message: { content: 'Your payment is due Friday', channel: 'SMS' } },
  })
  const company = apala.company // { id, name } — from the token response, not a secret
  const expiresAt = new Date(apala.expiresAt!) // refreshed 60 s before this, in the background
  await apala.refresh() // on demand
  // --- end ---
  expect(result).toMatchObject({ original_message: 'Your payment is due Friday', recommended_channel: 'SMS' })
  expect(company).toEqual({ id: emu.credentials.companyId, name: emu.credentials.companyName })
  expect(expiresAt.getTime()).toBeGreaterThan(Date.now())
  expect(emu.stats.get()).toMatchObject({ logins: 1, refreshes: 1 })
  apala.dispose()
})
