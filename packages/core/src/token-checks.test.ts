import { inspect } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { AuthError, ConfigError, ResponseShapeError } from './errors'
import type { AuthFlow } from './flow'
import { MemoryTokenStore } from './memory-store'
import { createSession } from './session'
import { json, type ScriptedServer, startScriptedServer, unsignedJwt } from './testing/scripted-server'
import { testFlow } from './testing/test-flow'
import type { TokenSet } from './types'

let server: ScriptedServer
afterEach(async () => server?.close())

const CANARY = 'CANARY-tok-7f3a'

/** Every place an error could show a secret. */
function everyFormOf(error: unknown): string {
  const e = error as Error & { cause?: unknown }
  return [e.message, e.stack, inspect(e, { depth: 5 }), JSON.stringify(e), String(e.cause)].join('\n')
}

async function serverWith(body: unknown): Promise<ScriptedServer> {
  const s = await startScriptedServer()
  s.route('/auth/token', (_req, res) => json(res, 200, body))
  s.route('/api/data', (_req, res) => json(res, 200, { ok: true }))
  return s
}

describe('absurd expiry values never lose a token', () => {
  it.each([
    ['JWT exp: 1e308', { access_token: unsignedJwt({ exp: 1e308 }), refresh_token: 'ref-1' }],
    ['expires_in: 1e308', { access_token: 'tok-1', refresh_token: 'ref-1', expires_in: 1e308 }],
    ['expires_in: 1e12 (31,000 years)', { access_token: 'tok-1', refresh_token: 'ref-1', expires_in: 1e12 }],
  ])('%s is treated as unknown: stored, and a second start logs in zero times', async (_name, body) => {
    server = await serverWith(body)
    const store = new MemoryTokenStore()
    const first = createSession(testFlow(`${server.origin}/api`), { store })
    await first.fetch('/data')
    const stored = await store.get(await first.storeKey())
    expect(stored).toBeDefined()
    expect(stored!.expiresAt).toBeUndefined()
    expect(() => structuredClone(JSON.parse(JSON.stringify(stored)))).not.toThrow()
    first.dispose()
    const second = createSession(testFlow(`${server.origin}/api`), { store })
    await second.fetch('/data')
    expect(server.count('/auth/token')).toBe(1)
    second.dispose()
  })
})

describe('the engine checks every token set a flow hands it', () => {
  const returning = (tokens: unknown): Partial<AuthFlow> => ({ acquire: async () => tokens as TokenSet })

  it.each([
    ['accessToken', {}],
    ['accessToken', { accessToken: '' }],
    ['refreshToken', { accessToken: 'tok', refreshToken: 42 }],
    ['expiresAt', { accessToken: 'tok', expiresAt: Number.POSITIVE_INFINITY }],
    ['expiresAt', { accessToken: 'tok', expiresAt: '2030-01-01' }],
    ['meta', { accessToken: 'tok', meta: new Map() }],
    ['meta.nested', { accessToken: 'tok', meta: { nested: { a: 1 } } }],
  ])('a token set with a bad %s is a ResponseShapeError naming the flow and the field; nothing is sent', async (field, tokens) => {
    server = await serverWith({})
    const auth = createSession(testFlow(`${server.origin}/api`, returning(tokens)))
    const error = await auth.fetch('/data').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResponseShapeError)
    expect(error).toMatchObject({ field })
    expect((error as Error).message).toContain("testprov flow's acquire()")
    expect(server.count('/api/data')).toBe(0)
    auth.dispose()
  })
})

describe('credential values that cannot travel in a header', () => {
  it.each([
    ['CR/LF', `${CANARY}\r\nX-Evil: 1`],
    ['a non-Latin-1 character', `${CANARY}-ключ`],
    ['a Latin-1 character', `${CANARY}-é`],
  ])('a provider token with %s is refused typed and redacted, and nothing is sent', async (_name, value) => {
    server = await serverWith({ access_token: value, refresh_token: 'ref-1', expires_in: 3600 })
    const errors: unknown[] = []
    const auth = createSession(testFlow(`${server.origin}/api`))
    auth.on('error', (event) => errors.push(event.error))
    const error = await auth.fetch('/data').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResponseShapeError)
    expect(error).toMatchObject({ field: 'accessToken' })
    expect(everyFormOf(error)).not.toContain(CANARY)
    expect(errors).toHaveLength(1)
    expect(everyFormOf(errors[0])).not.toContain(CANARY)
    expect(server.count('/api/data')).toBe(0)
    auth.dispose()
  })

  it('setTokens() with CR/LF is a ConfigError naming the field, redacted; nothing is stored or sent', async () => {
    server = await serverWith({})
    const store = new MemoryTokenStore()
    const auth = createSession(testFlow(`${server.origin}/api`), { store })
    const error = await auth.setTokens({ accessToken: `${CANARY}\r\nX-Evil: 1` }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({ field: 'accessToken' })
    expect(everyFormOf(error)).not.toContain(CANARY)
    expect(await store.get(await auth.storeKey())).toBeUndefined()
    expect(server.seen).toHaveLength(0)
  })

  it('a static credential a flow writes into a header that the runtime refuses is a redacted ConfigError', async () => {
    server = await serverWith({})
    const key = `${CANARY}\nX-Evil: 1`
    const auth = createSession(
      testFlow(`${server.origin}/api`, {
        secrets: [key],
        needsToken: () => false,
        apply: (_tokens, request) => request.headers.set('x-api-key', key),
      }),
    )
    const error = await auth.fetch('/data').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ code: 'CONFIG', field: 'credentials' })
    expect(everyFormOf(error)).not.toContain(CANARY)
    expect(server.seen).toHaveLength(0)
  })
})
