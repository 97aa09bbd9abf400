import { startAxiomEmulator } from '@authmux/testkit'
import { afterEach, expect, it, vi } from 'vitest'
import { createAxiomAuth } from './axiom'

afterEach(() => {
  vi.useRealTimers()
})

it('the background timer refreshes 2 minutes before the 960 s token expires, with no request in flight (fake timers)', async () => {
  // Fake Date and timers; the emulator's live clock and the engine both read the faked Date.now().
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], shouldAdvanceTime: true })
  const emu = await startAxiomEmulator()
  const { email, password } = emu.credentials
  const auth = createAxiomAuth({ baseURL: emu.url, email, password, otp: async () => emu.inbox.latestCode(email)!, env: false })
  try {
    await auth.ensureValid()
    const expiresAt = auth.expiresAt!
    expect(expiresAt - Date.now()).toBeGreaterThan(950_000)
    const refreshed = new Promise<{ background: boolean; at: number }>((resolve) => auth.on('refresh', resolve))

    await vi.advanceTimersByTimeAsync(13 * 60_000) // 3 min before expiry: nothing yet
    expect(emu.stats.get().refreshes).toBe(0)

    await vi.advanceTimersByTimeAsync(70_000) // into the 2-minute window: the timer fires
    const event = await refreshed
    expect(event.background).toBe(true)
    expect(expiresAt - event.at).toBeLessThanOrEqual(120_000)
    expect(expiresAt - event.at).toBeGreaterThan(30_000) // before callers would have had to wait
    expect(emu.stats.get()).toMatchObject({ refreshes: 1, logins: 1 })
    await vi.waitFor(() => expect(auth.expiresAt).toBeGreaterThan(expiresAt))
  } finally {
    auth.dispose()
    await emu.close()
  }
})
