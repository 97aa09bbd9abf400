import { readFileSync } from 'node:fs'
import { inspect } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { InvalidCredentialsError } from '../errors'
import { json, type ScriptedServer, startScriptedServer } from '../testing/scripted-server'
import { createDeribitAuth } from './deribit'

let server: ScriptedServer
afterEach(async () => server?.close())

const SECRET = 'CANARY+deribit/secret'

describe("CONTRIBUTING's worked example (a Deribit-style provider)", () => {
  it('is the code CONTRIBUTING.md shows, verbatim', () => {
    const contributing = readFileSync(new URL('../../../../CONTRIBUTING.md', import.meta.url), 'utf8')
    const example = readFileSync(new URL('./deribit.ts', import.meta.url), 'utf8')
    const body = example.slice(example.indexOf('const PACKAGE_NAME'))
    expect(contributing).toContain(body.trim())
  })

  it('logs in with query credentials, sends the bearer token, and never shows the secret', async () => {
    server = await startScriptedServer()
    server.route('/api/v2/public/auth', (req, res) => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams
      if (query.get('client_secret') !== SECRET) return json(res, 400, { error: { code: 13004, message: `invalid_credentials ${query}` } })
      json(res, 200, { result: { access_token: 'tok-1', refresh_token: 'ref-1', expires_in: 900 } })
    })
    server.route('/api/v2/private/get_account_summary', (req, res) => json(res, 200, { result: { auth: req.headers.authorization } }))
    const auth = createDeribitAuth({ clientId: 'bot-1', clientSecret: SECRET, baseURL: `${server.origin}/api/v2`, env: false })
    expect(await auth.fetch('/private/get_account_summary')).toEqual({ result: { auth: 'Bearer tok-1' } })
    expect(auth.clientId).toBe('bot-1')
    expect(await auth.storeKey()).toBe('deribit:bot-1')

    const wrong = createDeribitAuth({ clientId: 'bot-2', clientSecret: `${SECRET}-wrong`, baseURL: `${server.origin}/api/v2`, env: false })
    const error = await wrong.login().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidCredentialsError)
    expect(inspect(error, { depth: 5 })).not.toContain('deribit/secret')
    expect(inspect(error, { depth: 5 })).not.toContain(encodeURIComponent(SECRET))
    auth.dispose()
  })
})
