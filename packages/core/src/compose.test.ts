import { afterEach, describe, expect, it } from 'vitest'
import { composeAuth } from './compose'
import { ConfigError } from './errors'
import { createSession } from './session'
import { testFlow } from './testing/test-flow'
import { startTokenServer, type TokenServer } from './testing/token-server'

const servers: TokenServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

describe('composeAuth', () => {
  it('routes by origin then by the longest base path, each request carrying only its own credentials', async () => {
    const one = await startTokenServer()
    const two = await startTokenServer()
    servers.push(one, two)
    const a = createSession(testFlow(`${one.url}/api`, { name: 'a' }))
    const aDeep = createSession(testFlow(`${one.url}/api/deep`, { name: 'a-deep' }))
    const b = createSession(testFlow(two.url, { name: 'b' }))
    const bot = composeAuth(a, b, aDeep)
    expect(bot.strategyFor(`${one.url}/api/deep/x`)).toBe(aDeep)
    expect(bot.strategyFor(`${one.url}/api/other`)).toBe(a)
    expect(bot.strategyFor(`${two.url}/anything`)).toBe(b)
    expect(bot.strategyFor(`${one.url}/elsewhere`)).toBeUndefined()

    await bot.fetch(`${one.url}/api/x`)
    await bot.fetch(`${one.url}/api/deep/y`)
    await bot.fetch(`${two.url}/api/z`)
    expect(one.seen).toEqual([`Bearer ${a.accessToken}`, `Bearer ${aDeep.accessToken}`])
    expect(two.seen).toEqual([`Bearer ${b.accessToken}`])
  })

  it('a URL no strategy owns is a typed error and is never sent', async () => {
    const one = await startTokenServer()
    const stranger = await startTokenServer()
    servers.push(one, stranger)
    const bot = composeAuth(createSession(testFlow(one.url)))
    const error = await bot.fetch(`${stranger.url}/api/data`).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toMatch(/no strategy owns/)
    await expect(bot.fetch('/relative')).rejects.toBeInstanceOf(ConfigError)
    expect(stranger.counts.api + one.counts.acquire).toBe(0)
  })
})
