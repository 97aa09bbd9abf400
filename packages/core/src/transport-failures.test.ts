import { afterEach, describe, expect, it } from 'vitest'
import { NetworkError, ProviderError, TimeoutError } from './errors'
import { SESSION_INTERNALS, type SessionInternals } from './internals'
import { createSession, DEFAULT_REQUEST_TIMEOUT_MS } from './session'
import { cutBody, gate, json, type ScriptedServer, startScriptedServer } from './testing/scripted-server'
import { testFlow } from './testing/test-flow'
import type { AuthEventMap } from './types'

let server: ScriptedServer
const gates: Array<() => void> = []
afterEach(async () => {
  for (const open of gates.splice(0)) open()
  await server?.close()
})

const tokens = { access_token: 'tok-1', refresh_token: 'ref-1', expires_in: 3600 }

async function start(): Promise<ScriptedServer> {
  server = await startScriptedServer()
  server.route('/auth/token', (_req, res) => json(res, 200, tokens))
  return server
}

function hang(): () => Promise<void> {
  const { wait, open } = gate()
  gates.push(open)
  return async () => wait
}

describe('every failure is typed', () => {
  it('an auth call that hangs is a TimeoutError (code TIMEOUT), and the error event fires with it', async () => {
    await start()
    const waiting = hang()
    server.route('/auth/token', async () => waiting())
    const events: AuthEventMap['error'][] = []
    const auth = createSession(testFlow(`${server.origin}/api`), { timeoutMs: 200 })
    auth.on('error', (event) => events.push(event))
    const error = await auth.login().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error).toMatchObject({ code: 'TIMEOUT' })
    expect((error as Error).message).toMatch(/did not answer .*\/auth\/token within 200 ms/)
    expect(events).toHaveLength(1)
    expect(events[0]!.error).toBe(error)
  })

  it('a protected request that hangs is a TimeoutError after requestTimeoutMs', async () => {
    await start()
    const waiting = hang()
    server.route('/api/slow', async () => waiting())
    const auth = createSession(testFlow(`${server.origin}/api`), { requestTimeoutMs: 300 })
    const error = await auth.fetch('/slow').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    auth.dispose()
  })

  it('ordinary requests have a default time limit, which false or 0 turns off', () => {
    const internals = (options: object) =>
      (createSession(testFlow('http://127.0.0.1:9'), options) as unknown as Record<symbol, SessionInternals>)[SESSION_INTERNALS]!
    expect(DEFAULT_REQUEST_TIMEOUT_MS).toBe(30_000)
    expect(internals({}).requestTimeoutMs).toBe(30_000)
    expect(internals({ timeoutMs: 5_000 }).requestTimeoutMs).toBe(5_000)
    expect(internals({ requestTimeoutMs: false }).requestTimeoutMs).toBe(0)
    expect(internals({ requestTimeoutMs: 0 }).requestTimeoutMs).toBe(0)
  })

  it('a login answer cut off mid-body is a NetworkError', async () => {
    await start()
    server.route('/auth/token', (_req, res) => cutBody(res))
    const auth = createSession(testFlow(`${server.origin}/api`), { retry: { maxRetries: 0 } })
    const error = await auth.login().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect(error).toMatchObject({ code: 'NETWORK_ERROR' })
  })

  it('a protected answer cut off mid-body is a NetworkError', async () => {
    await start()
    server.route('/api/data', (_req, res) => cutBody(res))
    const auth = createSession(testFlow(`${server.origin}/api`))
    const error = await auth.fetch('/data').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetworkError)
    auth.dispose()
  })

  it('a persistent 503 on a protected request is a ProviderError with the status', async () => {
    await start()
    server.route('/api/data', (_req, res) => json(res, 503, { error: 'down for maintenance' }))
    const auth = createSession(testFlow(`${server.origin}/api`), { retry: { maxRetries: 1, baseDelayMs: 1 } })
    const error = await auth.fetch('/data').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ status: 503 })
    expect((error as Error).message).toContain('down for maintenance')
    expect(server.count('/api/data')).toBe(2)
    auth.dispose()
  })

  it('a redirect loop is a ProviderError with code TOO_MANY_REDIRECTS, never a resolved 3xx', async () => {
    await start()
    server.route('/api/a', (_req, res) => json(res, 302, {}, { location: '/api/b' }))
    server.route('/api/b', (_req, res) => json(res, 302, {}, { location: '/api/a' }))
    const auth = createSession(testFlow(`${server.origin}/api`))
    const error = await auth.fetch('/a').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ code: 'TOO_MANY_REDIRECTS' })
    auth.dispose()
  })

  it('a same-origin redirect out of the base path drops every credential header', async () => {
    await start()
    server.route('/api/go', (_req, res) => json(res, 302, {}, { location: '/elsewhere/steal' }))
    server.route('/elsewhere/steal', (_req, res) => json(res, 200, { stolen: false }))
    const auth = createSession(testFlow(`${server.origin}/api`))
    await auth.fetch('/go')
    const landed = server.seen.find((request) => request.path === '/elsewhere/steal')
    expect(landed).toBeDefined()
    expect(landed!.headers.authorization).toBeUndefined()
    expect(server.seen.find((request) => request.path === '/api/go')!.headers.authorization).toBe('Bearer tok-1')
    auth.dispose()
  })
})
