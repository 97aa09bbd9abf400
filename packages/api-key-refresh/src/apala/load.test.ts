import { startApalaEmulator, type ApalaEmulator } from '@authmux/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApalaAuth } from '../index'

const START = Date.UTC(2026, 0, 15, 12, 0, 0)
const LIFETIME_S = 600
let emu: ApalaEmulator

beforeAll(async () => {
  emu = await startApalaEmulator({ startMs: START, accessSeconds: LIFETIME_S })
})
afterAll(async () => {
  await emu?.close()
})

describe('Apala token rotation under load', () => {
  it('500 concurrent requests across expiry: one refresh on the emulator, zero 401s seen by callers', async () => {
    // Counts API calls as they leave (headers attached), so the clock can jump while the first batch is in flight.
    let sentCalls = 0
    let firstBatchSent: () => void = () => {}
    const firstBatchOut = new Promise<void>((resolve) => (firstBatchSent = resolve))
    const fetch: typeof globalThis.fetch = (input, init) => {
      if (String(input).endsWith('/api/message_optimizer') && ++sentCalls === 250) firstBatchSent()
      return globalThis.fetch(input, init)
    }
    const auth = createApalaAuth({ apiKey: emu.credentials.apiKey, baseURL: emu.url, now: () => emu.clock.now(), backgroundRefresh: false, fetch })
    await auth.login()
    const expiresAt = auth.expiresAt!
    emu.stats.reset()

    const call = (i: number) =>
      auth.fetch
        .raw<{ message_id: string }>('/api/message_optimizer', { method: 'POST', body: { message: { content: `m${i}`, channel: 'SMS' } } })
        .then((response) => response.status)
        .catch((error: { status?: number; response?: Response }) => error.response?.status ?? error.status ?? -1)

    // 250 requests inside the refresh window (45 s before expiry) with the old token…
    emu.clock.set(expiresAt - 45_000)
    const before = Array.from({ length: 250 }, (_, i) => call(i))
    await firstBatchOut
    // …then time jumps past expiry while they are still in flight, and 250 more start.
    emu.clock.set(expiresAt + 10_000)
    const after = Array.from({ length: 250 }, (_, i) => call(250 + i))
    const statuses = await Promise.all([...before, ...after])

    expect(statuses.filter((s) => s !== 200)).toEqual([])
    expect(statuses).toHaveLength(500)
    const stats = emu.stats.get()
    expect(stats.refreshes).toBe(1)
    expect(stats.logins).toBe(0)
    // Every request went out, and any the server refused as expired was renewed and replayed by the engine.
    expect(stats.requests - stats.refreshes).toBe(500 + stats.unauthorized)
    expect(auth.expiresAt).toBeGreaterThan(emu.clock.now())
    auth.dispose()
  })
})
