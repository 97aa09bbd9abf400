import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startEmulators, type Emulators } from '../emulators.js'
import { openSocket, upgradeStatus } from './test-support.js'

// The stream endpoints inside startEmulators(): one origin per provider, one stream log per emulator.

let emu: Emulators
beforeAll(async () => {
  emu = await startEmulators({ tradeready: { streams: { tickerIntervalMs: 0 } }, axiom: { streams: { pushIntervalMs: 0 } } })
})
afterAll(() => emu.close())

describe('streams in startEmulators()', () => {
  test('streamUrls are on each provider origin; providers without streams answer upgrades with 404', async () => {
    expect(emu.streamUrls).toEqual({
      tradeready: `${new URL(emu.urls.tradeready).origin.replace('http', 'ws')}/ws/v1`,
      axiom: `${emu.urls.axiom.replace('http', 'ws')}/`,
      projectxUser: `${new URL(emu.urls.projectx).origin}/hubs/user`,
      projectxMarket: `${new URL(emu.urls.projectx).origin}/hubs/market`,
    })
    expect(await upgradeStatus(`${emu.urls.apala.replace('http', 'ws')}/`)).toBe(404)
    expect(await upgradeStatus(`${emu.urls.aionmarket.replace('http', 'ws')}`)).toBe(404)
  })

  test('dropAllSockets() closes every provider socket; each emulator keeps its own stream log; close() ends open sockets', async () => {
    const tr = await openSocket(`${emu.streamUrls.tradeready}?api_key=${emu.credentials.tradeready.apiKey}`)
    const tr2 = await openSocket(`${emu.streamUrls.tradeready}?api_key=${emu.credentials.tradeready.agentApiKey}`)
    expect(emu.dropAllSockets('axiom')).toBe(0)
    expect(emu.dropAllSockets()).toBe(2)
    expect((await tr.closed).code).toBe(1012)
    expect((await tr2.closed).code).toBe(1012)
    expect(emu.tradeready.streams.log.list()).toHaveLength(2)
    expect(emu.axiom.streams.log.list()).toHaveLength(0)
    expect(emu.projectx.streams.log.list()).toHaveLength(0)

    const other = await startEmulators({ tradeready: { streams: { tickerIntervalMs: 0 } } })
    const open = await openSocket(`${other.streamUrls.tradeready}?api_key=${other.credentials.tradeready.apiKey}`)
    const started = performance.now()
    await other.close()
    expect((await open.closed).code).toBe(1006)
    expect(performance.now() - started).toBeLessThan(1000)
  })
})
