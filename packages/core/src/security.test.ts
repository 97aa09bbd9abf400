import { inspect } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, InsecureTransportError, InvalidCredentialsError } from './errors'
import { createSession } from './session'
import { CANARY_API_KEY, CANARY_MARKERS, CANARY_PASSWORD, CANARY_SECRET } from './testing/canaries'
import { testFlow } from './testing/test-flow'
import { startTokenServer, type TokenServer } from './testing/token-server'

const servers: TokenServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

function expectNoCanary(text: string): void {
  for (const marker of CANARY_MARKERS) expect(text).not.toContain(marker)
}

describe('credentials stay with their origin', () => {
  it('a redirect to another origin arrives there without any credential header', async () => {
    const api = await startTokenServer()
    const elsewhere = await startTokenServer()
    servers.push(api, elsewhere)
    api.redirectTo = `${elsewhere.url}/landing`
    const auth = createSession(testFlow(api.url, { credentialHeaders: ['X-Custom-Secret'] }))
    await auth.login()
    const result = await auth.fetch('/redirect', { headers: { 'x-trace': 'kept', cookie: 'session=1', 'x-api-key': 'k', 'x-custom-secret': 's' } })
    expect(result).toEqual({ landed: true })
    const landed = elsewhere.landingHeaders[0]!
    expect(landed.authorization).toBeUndefined()
    expect(landed.cookie).toBeUndefined()
    expect(landed['x-api-key']).toBeUndefined()
    expect(landed['x-custom-secret']).toBeUndefined()
    expect(landed['x-trace']).toBe('kept')
  })

  it('a same-origin redirect keeps the credentials', async () => {
    const api = await startTokenServer()
    servers.push(api)
    api.redirectTo = `${api.url}/landing`
    const auth = createSession(testFlow(api.url))
    await auth.fetch('/redirect')
    expect(api.landingHeaders[0]!.authorization).toBe(`Bearer ${auth.accessToken}`)
  })

  it('http to a non-loopback host is refused unless explicitly allowed', () => {
    expect(() => createSession(testFlow('http://example.com'))).toThrow(InsecureTransportError)
    expect(() => createSession(testFlow('http://example.com'))).toThrow(/allowInsecureHttp/)
    expect(() => createSession(testFlow('http://example.com'), { allowInsecureHttp: true })).not.toThrow()
    expect(() => createSession(testFlow('ftp://example.com'))).toThrow(InsecureTransportError)
    expect(() => createSession(testFlow('https://example.com'))).not.toThrow()
  })

  it('strategy.fetch refuses a URL outside its baseURL before sending anything', async () => {
    const api = await startTokenServer()
    const other = await startTokenServer()
    servers.push(api, other)
    const auth = createSession(testFlow(`${api.url}/api`))
    const error = await auth.fetch(`${other.url}/api/data`).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).code).toBe('URL_NOT_OWNED')
    const sibling = await auth.fetch(`${api.url}/apix/data`).catch((e: unknown) => e)
    expect(sibling).toBeInstanceOf(ConfigError)
    expect(other.counts.api + api.counts.api + api.counts.acquire).toBe(0)
  })
})

describe('secrets never leak', () => {
  it('canary secrets appear in no error, event, inspect, JSON or log line', async () => {
    const api = await startTokenServer()
    servers.push(api)
    const logLines: string[] = []
    const logger = {
      debug: (m: string, d?: unknown) => logLines.push(m + JSON.stringify(d ?? {})),
      info: (m: string, d?: unknown) => logLines.push(m + JSON.stringify(d ?? {})),
      warn: (m: string, d?: unknown) => logLines.push(m + JSON.stringify(d ?? {})),
      error: (m: string, d?: unknown) => logLines.push(m + JSON.stringify(d ?? {})),
    }
    const seen: string[] = []
    // A wrong key the server echoes back in its error body, plus a secret and a password the flow holds.
    const bad = createSession(testFlow(api.url, { apiKey: CANARY_API_KEY, secrets: [CANARY_API_KEY, CANARY_SECRET, CANARY_PASSWORD] }), { logger })
    bad.on('error', (e) => seen.push(JSON.stringify(e), inspect(e, { depth: 5 }), e.error.message))
    const error = await bad.login().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidCredentialsError)
    expect((error as Error).message).toContain('[REDACTED]')
    seen.push((error as Error).message, JSON.stringify(error), inspect(error, { depth: 5 }), String((error as Error).stack))

    // A good session: tokens (which carry canary markers) must not show in inspect/JSON/events/logs either.
    const good = createSession(testFlow(api.url), { logger })
    good.on('login', (e) => seen.push(JSON.stringify(e), inspect(e)))
    good.on('refresh', (e) => seen.push(JSON.stringify(e), inspect(e)))
    await good.login()
    await good.refresh()
    expect(good.accessToken).toContain('CANARYTOK')
    seen.push(inspect(good, { depth: 10, showHidden: true }), JSON.stringify(good), JSON.stringify(good.status()))
    api.reject401(5)
    const second401 = await good.fetch('/api/data').catch((e: unknown) => e)
    seen.push(JSON.stringify(second401), inspect(second401, { depth: 5 }), (second401 as Error).message)

    // ofetch's own FetchError (a 404 here) keeps the request options: they must not hold the credential headers.
    const notFound = (await good.fetch('/nope').catch((e: unknown) => e)) as Error & { options?: { headers?: Headers } }
    expect(notFound.message).toMatch(/404/)
    seen.push(inspect(notFound, { depth: 8, getters: true }), JSON.stringify(notFound), JSON.stringify([...new Headers(notFound.options?.headers).entries()]))

    expectNoCanary([...seen, ...logLines].join('\n'))
    expect(seen.length).toBeGreaterThan(8)
    bad.dispose()
    good.dispose()
  })
})
