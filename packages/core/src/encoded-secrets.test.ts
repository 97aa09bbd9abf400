import { inspect } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { createSession } from './session'
import { Redactor } from './redact'
import { json, type ScriptedServer, startScriptedServer } from './testing/scripted-server'
import { testFlow } from './testing/test-flow'
import type { AuthEventMap, TokenSet, TokenStore } from './types'

let server: ScriptedServer | undefined
afterEach(async () => server?.close())

// Characters that every encoding changes: '+', '/', ' ', '&', '"', '\', and a non-ASCII one.
const SECRET = 'CANARY+sec/ret key&"q\\é'
const basic = (id: string) => btoa(String.fromCharCode(...new TextEncoder().encode(`${id}:${SECRET}`)))

const forms: Array<[string, string]> = [
  ['as is', SECRET],
  ['URL-encoded (%2B style)', encodeURIComponent(SECRET)],
  ['form-encoded (+ style)', new URLSearchParams({ s: SECRET }).toString().slice(2)],
  ['JSON-escaped', JSON.stringify(SECRET).slice(1, -1)],
  ['base64 in Basic auth, offset 0', basic('ab')],
  ['base64 in Basic auth, offset 1', basic('abc')],
  ['base64 in Basic auth, offset 2', basic('abcd')],
  ['base64url in Basic auth', basic('abc').replace(/\+/g, '-').replace(/\//g, '_')],
]

/** The recognisable middle of an encoded form: what must never survive redaction. */
const core = (form: string) => form.slice(Math.floor(form.length / 4), Math.floor((form.length * 3) / 4))

describe('a registered secret is hidden in every form it travels in', () => {
  it.each(forms)('Redactor hides it %s', (_name, form) => {
    const redactor = new Redactor()
    redactor.add(SECRET)
    const out = redactor.redact(`before ${form} after`)
    expect(out).toContain('[REDACTED]')
    expect(out).not.toContain(core(form))
  })

  it('credential query parameters are hidden in URLs even when never registered', () => {
    const out = new Redactor().redact('GET https://x.test/ws?api_key=abc123def&symbol=BTC&client_secret=zzz999 failed')
    expect(out).toBe('GET https://x.test/ws?api_key=[REDACTED]&symbol=BTC&client_secret=[REDACTED] failed')
  })

  it.each(forms)('through errors, events, logs and inspect when the secret comes back %s', async (_name, form) => {
    server = await startScriptedServer()
    // A provider that echoes what it got, encoded: in its error message and in a redirect to a URL.
    server.route('/auth/token', (_req, res) => json(res, 400, { error: `bad credential ${form}` }))
    const logs: string[] = []
    const events: AuthEventMap['error'][] = []
    const auth = createSession(testFlow(`${server.origin}/api`, { apiKey: SECRET }), {
      logger: { warn: (message, data) => logs.push(message + JSON.stringify(data)) },
    })
    auth.on('error', (event) => events.push(event))
    const error = await auth.login().catch((e: unknown) => e)
    const shown = [
      (error as Error).message,
      (error as Error).stack,
      inspect(error, { depth: 5 }),
      JSON.stringify(error),
      ...logs,
      ...events.map((event) => `${event.error.message} ${inspect(event)}`),
    ].join('\n')
    expect(events.length).toBeGreaterThan(0)
    expect(shown).not.toContain(core(form))
  })

  it('a secret sent as a query parameter never shows in the URL of a network error', async () => {
    const auth = createSession(
      testFlow('http://127.0.0.1:9/api', {
        secrets: [SECRET],
        acquire: async (ctx) => {
          await ctx.request({ url: '/auth/token', method: 'GET', query: { client_id: 'bot', client_secret: SECRET } })
          throw new Error('unreachable')
        },
      }),
      { retry: { maxRetries: 0 } },
    )
    const error = await auth.login().catch((e: unknown) => e)
    expect((error as Error).message).toMatch(/could not reach/)
    expect(inspect(error, { depth: 5 })).not.toContain(core(encodeURIComponent(SECRET)))
    expect(inspect(error, { depth: 5 })).not.toContain(core(new URLSearchParams({ s: SECRET }).toString().slice(2)))
  })
})

describe('tokens another process wrote', () => {
  it('a refresh token another process wrote is redacted before the engine ever sends it', async () => {
    server = await startScriptedServer()
    server.route('/auth/refresh', (_req, res, body) => json(res, 401, { error: `invalid credential ${JSON.parse(body).refreshToken}` }))
    // A store that tells no one about writes: the session learns of the other process's tokens only by reading.
    const entries = new Map<string, TokenSet>()
    const store: TokenStore = {
      get: async (key) => entries.get(key),
      set: async (key, tokens) => void entries.set(key, tokens),
      delete: async (key) => void entries.delete(key),
    }
    const events: AuthEventMap['error'][] = []
    const auth = createSession(testFlow(`${server.origin}/api`, { canAcquire: false }), { store, backgroundRefresh: false })
    auth.on('error', (event) => events.push(event))
    await auth.setTokens({ accessToken: 'tok-own', refreshToken: 'ref-own', meta: { issuedAt: 1 } })
    // Another process stores a newer, already expired set: the next refresh renews with its refresh token.
    entries.set(await auth.storeKey(), {
      accessToken: 'tok-outside',
      refreshToken: 'REFRESH-CANARY-outside',
      expiresAt: Date.now() - 1_000,
      meta: { issuedAt: 2 },
    })
    const error = await auth.refresh().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(server.count('/auth/refresh')).toBe(1)
    const shown = [inspect(error, { depth: 5 }), ...events.map((event) => inspect(event, { depth: 5 }))].join('\n')
    expect(shown).not.toContain('REFRESH-CANARY-outside')
    auth.dispose()
  })
})
