import { createServer } from 'node:net'
import { MemoryTokenStore } from '@authmux/core'
import { startEmulators } from '@authmux/testkit'
import { describe, expect, it } from 'vitest'
import { createBot } from './bot'
import { Tracker } from './tracker'

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('--live failures a person can act on', () => {
  it('an unreachable provider is reported with its host and the system reason, not just the error class', async () => {
    const port = await closedPort()
    const bot = createBot({
      targets: { tradeready: { baseURL: `http://127.0.0.1:${port}/api/v1`, apiKey: 'ak_live_canary-key', apiSecret: 'sk_live_canary-secret' } },
      store: new MemoryTokenStore(),
    })
    const tracker = new Tracker(bot.strategies, Date.now)
    const lines: string[] = []
    tracker.onChange((_name, line) => line && lines.push(line))
    try {
      const result = await bot.call('tradeready')
      tracker.record('tradeready', result)
      expect(result.ok).toBe(false)
      expect(result.error).toBe(`NetworkError NETWORK_ERROR — could not reach 127.0.0.1:${port} (ECONNREFUSED)`)
      expect(lines.at(-1)).toBe(`request failed: ${result.error}`)
      expect(lines.join('\n')).not.toMatch(/canary/)
    } finally {
      bot.dispose()
      tracker.close()
    }
  })

  it('a static key is "set, not yet checked" until a request succeeds — a bogus one is never "logged in"', async () => {
    const emu = await startEmulators()
    const run = async (apiKey: string) => {
      const bot = createBot({ targets: { aionmarket: { baseURL: emu.urls.aionmarket, apiKey } }, store: new MemoryTokenStore() })
      const tracker = new Tracker(bot.strategies, Date.now)
      const lines: string[] = []
      tracker.onChange((_name, line) => line && lines.push(line))
      try {
        tracker.record('aionmarket', await bot.call('aionmarket'))
        return { lines, last: tracker.snapshot()[0]!.lastEvent }
      } finally {
        bot.dispose()
        tracker.close()
      }
    }
    try {
      const bogus = await run('B'.repeat(64))
      expect(bogus.lines[0]).toBe('key set (no expiry), not yet checked with the provider')
      expect(bogus.lines.join('\n')).not.toContain('logged in')
      expect(bogus.last).toMatch(/^request failed: \w+Error INVALID_CREDENTIALS HTTP 401/)
      const good = await run(emu.credentials.aionmarket.apiKey)
      expect(good.lines).toEqual(['key set (no expiry), not yet checked with the provider', 'key accepted: the first request with it succeeded'])
      expect(good.last).toBe('key accepted')
    } finally {
      await emu.close()
    }
  })
})
