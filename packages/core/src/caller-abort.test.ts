import { afterEach, describe, expect, it } from 'vitest'
import { createSession } from './session'
import { gate, json, type ScriptedServer, startScriptedServer, until } from './testing/scripted-server'
import { testFlow } from './testing/test-flow'

let server: ScriptedServer
afterEach(async () => server?.close())

describe("the caller's AbortSignal", () => {
  it('ends its own wait for a lazy login at once; the shared login goes on for the others', async () => {
    server = await startScriptedServer()
    const login = gate()
    server.route('/auth/token', async (_req, res) => {
      await login.wait
      json(res, 200, { access_token: 'tok-1', refresh_token: 'ref-1', expires_in: 3600 })
    })
    server.route('/api/data', (_req, res) => json(res, 200, { ok: true }))
    const auth = createSession(testFlow(`${server.origin}/api`), { timeoutMs: 10_000 })
    const controller = new AbortController()
    let settled = false
    const aborted = auth.fetch('/data', { signal: controller.signal }).then(
      () => (settled = true),
      (error: unknown) => {
        settled = true
        return error
      },
    )
    const other = auth.fetch('/data')
    await until(() => server.count('/auth/token') === 1)
    controller.abort()
    const error = await aborted
    expect(settled).toBe(true) // while the login still hangs behind its gate
    expect(error).toMatchObject({ name: 'AbortError' })
    login.open()
    expect(await other).toEqual({ ok: true })
    expect(server.count('/auth/token')).toBe(1)
    auth.dispose()
  })

  it('an already-aborted request never starts an auth call', async () => {
    server = await startScriptedServer()
    server.route('/auth/token', (_req, res) => json(res, 200, { access_token: 'tok-1', refresh_token: 'ref-1', expires_in: 3600 }))
    const auth = createSession(testFlow(`${server.origin}/api`))
    const reason = new Error('caller gave up')
    const error = await auth.fetch('/data', { signal: AbortSignal.abort(reason) }).catch((e: unknown) => e)
    expect(error).toBe(reason)
    expect(server.count('/auth/token')).toBe(0)
    auth.dispose()
  })
})
