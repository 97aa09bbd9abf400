import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ConfigError, InsecureTransportError, ResponseShapeError } from '@authmux/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createPasswordLoginAuth } from './auth'
import { createPasswordLoginFlow } from './generic'
import type { PasswordLoginConfig } from './types'

const base: PasswordLoginConfig = {
  name: 'demo',
  baseURL: 'https://api.example.com/v1',
  email: 'ana@example.com',
  password: 'pw',
  login: { url: '/session' },
  tokens: { access: { fields: ['token'] } },
  refresh: { url: '/session/refresh' },
  attach: { as: 'header' },
}

/** The error `run` throws. */
function thrown(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

describe('generic style: the config is checked when the strategy is built (ConfigError naming the option)', () => {
  it.each<[string, Partial<PasswordLoginConfig>, string]>([
    ['an empty requestHeaders value', { requestHeaders: { 'X-Token': '' } }, 'requestHeaders'],
    ['a requestHeaders value with CR/LF', { requestHeaders: { 'X-Token': 'a\r\nX-Evil: 1' } }, 'requestHeaders'],
    ['an authHeaders name with a space', { authHeaders: { 'X Token': 'a' } }, 'authHeaders'],
    ['a login.headers value padded with spaces', { login: { url: '/session', headers: { 'X-Client': ' web ' } } }, 'login.headers'],
    ['attach.header with a colon', { attach: { as: 'header', header: 'X-Token:' } }, 'attach.header'],
    ['attach.scheme with a space', { attach: { as: 'header', scheme: 'Bearer ' } }, 'attach.scheme'],
    ['an otpTokenHeader with a space', { otpStep: { url: '/otp', otpTokenHeader: 'X Otp' } }, 'otpStep.otpTokenHeader'],
    ['a credentialHeaders entry with a slash', { credentialHeaders: ['X/Key'] }, 'credentialHeaders'],
    ['an unparsable absolute step URL', { refresh: { url: 'https://exa mple.com/refresh' } }, 'refresh.url'],
    ['an unparsable baseURL', { baseURL: 'api.example.com' }, 'baseURL'],
  ])('%s', (_what, change, field) => {
    const error = thrown(() => createPasswordLoginAuth({ ...base, ...change }))
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({ code: 'CONFIG', field })
    expect((error as Error).message).toMatch(/^@authmux\/password-login: /)
    // The header name is never printed either (a value pasted as a name stays private).
    expect((error as Error).message).not.toMatch(/X-Token|X Token|web|X-Evil/)
  })

  it('plain http to a non-loopback host is refused by core’s base-URL rule', () => {
    expect(thrown(() => createPasswordLoginAuth({ ...base, baseURL: 'http://api.example.com' }))).toBeInstanceOf(InsecureTransportError)
    expect(() => createPasswordLoginAuth({ ...base, baseURL: 'http://api.example.com', allowInsecureHttp: true })).not.toThrow()
  })

  it('a 401 on an auth step below a base path is recognised (core’s isEndpoint); other paths are not', () => {
    const flow = createPasswordLoginFlow({ ...base, otpStep: { url: 'https://auth.example.com/v1/otp' }, logoutStep: { url: '/session/logout' } })
    expect(flow.isAuthEndpoint?.(new URL('https://api.example.com/v1/session'))).toBe(true)
    expect(flow.isAuthEndpoint?.(new URL('https://api.example.com/v1/Session/'))).toBe(true)
    expect(flow.isAuthEndpoint?.(new URL('https://api.example.com/v1/session/refresh'))).toBe(true)
    expect(flow.isAuthEndpoint?.(new URL('https://api.example.com/v1/session/logout'))).toBe(true)
    expect(flow.isAuthEndpoint?.(new URL('https://api.example.com/session'))).toBe(false)
    expect(flow.isAuthEndpoint?.(new URL('https://api.example.com/v1/me'))).toBe(false)
    // the code step lives on another host: the same path on the API host is an ordinary endpoint
    expect(flow.isAuthEndpoint?.(new URL('https://api.example.com/v1/otp'))).toBe(false)
  })
})

describe('generic style: a token from the provider must be sendable as is', () => {
  let server: Server | undefined
  afterEach(() => {
    server?.close()
    server = undefined
  })

  it('a body token with a space is a ResponseShapeError naming its field, even when attached as a header', async () => {
    server = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ token: 'abc; admin=true' }))
      })
    })
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    const auth = createPasswordLoginAuth({ ...base, baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` })
    const error = await auth.login().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResponseShapeError)
    expect(error).toMatchObject({ field: 'token' })
    expect((error as Error).message).not.toContain('admin=true')
    expect(auth.status().state).toBe('signed-out')
  })
})
