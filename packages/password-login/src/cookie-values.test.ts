import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { ConfigError, MemoryTokenStore, ResponseShapeError } from '@authmux/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createPasswordLoginAuth } from './auth'
import { createAxiomAuth, type AxiomAuthOptions } from './presets/axiom'
import type { PasswordLoginConfig } from './types'

// A token value copied into the `Cookie` header must be RFC 6265 cookie-octets (%x21 / %x23-2B / %x2D-3A / %x3C-5B /
// %x5D-7E): anything else could add or override cookies (`; name=value`), split the header, or leak through a header
// error. Values are checked where they are read (a `ResponseShapeError` naming the field) or configured (a
// `ConfigError` naming the option), so nothing is ever sent — and the value never appears in the error.

/** The part of every hostile value the tests look for in requests and errors. */
const MARK = 'INJECTED'
/** Each breaks a `Cookie` header in its own way. */
const HOSTILE: Array<[string, string]> = [
  ['a cookie separator', `tok; ${MARK}=1`],
  ['a comma', `tok,${MARK}=1`],
  ['a space', `tok ${MARK}`],
  ['a double quote', `tok"${MARK}`],
  ['a backslash', `tok\\${MARK}`],
  ['a tab', `tok\t${MARK}`],
  ['CR LF', `tok\r\nX-${MARK}: 1`],
  ['DEL', `tok\x7f${MARK}`],
  ['a non-ASCII Latin-1 character', `tok\u00e9${MARK}`],
  ['a character outside Latin-1', `tok\u2603${MARK}`],
]
/** Every character a cookie value may hold besides letters and digits: accepted and sent byte for byte. */
const ALL_ALLOWED = "Tok!#$%&'()*+-./09:<=>?@AZ[]^_`az{|}~"

interface Answer {
  status?: number
  body?: unknown
  setCookie?: string[]
}
interface Recorded {
  method: string
  path: string
  headers: IncomingHttpHeaders
}

const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

/** A tiny loopback server answering `routes` (path → answer; anything else 404) and recording every request. */
async function startServer(routes: Record<string, () => Answer>): Promise<{ url: string; requests: Recorded[] }> {
  const requests: Recorded[] = []
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    requests.push({ method: req.method ?? '', path, headers: req.headers })
    req.resume()
    req.on('end', () => {
      const answer = routes[path]?.() ?? { status: 404, body: { error: 'not found' } }
      res.statusCode = answer.status ?? 200
      res.setHeader('content-type', 'application/json')
      if (answer.setCookie) res.setHeader('set-cookie', answer.setCookie)
      res.end(JSON.stringify(answer.body ?? {}))
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }
}

/** What a caller can see of an error: message, stack, JSON, inspect (with the cause chain). */
const visible = (error: unknown) => [String(error), (error as Error).stack, JSON.stringify(error), inspect(error, { depth: 10, showHidden: true })].join('\n')

async function rejection(pending: Promise<unknown>): Promise<unknown> {
  try {
    await pending
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

/** Asserts a `ResponseShapeError` naming `field`, without the hostile value. */
function expectShapeError(error: unknown, field: string): void {
  expect(error).toBeInstanceOf(ResponseShapeError)
  expect(error).toMatchObject({ code: 'RESPONSE_SHAPE', field, provider: expect.any(String) })
  expect((error as Error).message).toMatch(/^@authmux\/password-login: /)
  expect((error as Error).message).toContain(`"${field}"`)
  expect((error as Error).message).toContain('cookie value')
  expect(visible(error)).not.toContain(MARK)
}

/** Asserts a `ConfigError` naming `field`, without the hostile value. */
function expectConfigError(run: () => unknown, field: string): void {
  let error: unknown
  try {
    run()
  } catch (caught) {
    error = caught
  }
  expect(error).toBeInstanceOf(ConfigError)
  expect(error).toMatchObject({ code: 'CONFIG', field })
  expect((error as Error).message).toMatch(/^@authmux\/password-login: /)
  expect((error as Error).message).toContain(field)
  expect(visible(error)).not.toContain(MARK)
}

/** No request the server saw carried the hostile value in any header. */
function expectNeverSent(requests: Recorded[]): void {
  for (const request of requests) expect(JSON.stringify(request.headers)).not.toContain(MARK)
}

/** An Axiom strategy on `url` (every step on one origin), env ignored. */
const axiom = (url: string, options: AxiomAuthOptions = {}) =>
  createAxiomAuth({ baseURL: url, email: 'user@axiom.test', password: 'pw', otp: async () => '123456', env: false, store: new MemoryTokenStore(), ...options })

/** Axiom's routes: step 1 asks for a code, step 2 answers `tokens` (body), requests answer 200. */
function axiomRoutes(tokens: () => Answer, step1: () => Answer = () => ({ body: { otpJwtToken: 'otp-token' } })): Record<string, () => Answer> {
  return {
    '/login-password-v2': step1,
    '/login-otp': tokens,
    '/refresh-access-token': () => ({ body: { accessToken: 'access-2' } }),
    '/user/info': () => ({ body: { ok: true } }),
  }
}

describe('Axiom: tokens read from a response must be cookie values', () => {
  it.each(HOSTILE)('an accessToken with %s is a ResponseShapeError naming the field; no request carries it', async (_what, value) => {
    const { url, requests } = await startServer(axiomRoutes(() => ({ body: { accessToken: value, refreshToken: 'refresh-1' } })))
    const auth = axiom(url)
    expectShapeError(await rejection(auth.login()), 'accessToken')
    expect(auth.status().state).toBe('signed-out')
    expectShapeError(await rejection(auth.fetch('/user/info')), 'accessToken')
    expect(requests.filter((request) => request.path === '/user/info')).toEqual([])
    expectNeverSent(requests)
  })

  it('a refreshToken with a cookie separator is a ResponseShapeError naming refreshToken', async () => {
    const { url, requests } = await startServer(axiomRoutes(() => ({ body: { accessToken: 'access-1', refreshToken: `r; ${MARK}=1` } })))
    const auth = axiom(url)
    expectShapeError(await rejection(auth.login()), 'refreshToken')
    expect(requests.filter((request) => request.path === '/user/info')).toEqual([])
    expectNeverSent(requests)
  })

  it('a pending-login token with a cookie separator stops before the code is asked for or step 2 is sent', async () => {
    const { url, requests } = await startServer(
      axiomRoutes(
        () => ({ body: { accessToken: 'access-1' } }),
        () => ({ body: { otpJwtToken: `otp; ${MARK}=1` } }),
      ),
    )
    let asked = 0
    const auth = axiom(url, {
      otp: async () => {
        asked++
        return '123456'
      },
    })
    expectShapeError(await rejection(auth.login()), 'otpJwtToken')
    expect(asked).toBe(0)
    expect(requests.map((request) => request.path)).toEqual(['/login-password-v2'])
  })

  it('a Set-Cookie value that decodes to "; name=value" is refused (field = the cookie name); the old token keeps working', async () => {
    const { url, requests } = await startServer({
      '/refresh-access-token': () => ({ setCookie: [`auth-access-token=new%3B%20${MARK}%3D1; Path=/; HttpOnly`] }),
      '/user/info': () => ({ body: { ok: true } }),
    })
    const auth = axiom(url, { email: undefined, password: undefined, otp: undefined, accessToken: 'access-1', refreshToken: 'refresh-1' })
    expectShapeError(await rejection(auth.refresh()), 'auth-access-token')
    await auth.fetch('/user/info')
    const sent = requests.filter((request) => request.path === '/user/info')
    expect(sent).toHaveLength(1)
    expect(sent[0]!.headers.cookie).toBe('auth-access-token=access-1; auth-refresh-token=refresh-1')
    expectNeverSent(requests)
  })

  it('a token made of every allowed character is accepted and sent byte for byte', async () => {
    const { url, requests } = await startServer(axiomRoutes(() => ({ body: { accessToken: ALL_ALLOWED, refreshToken: `r-${ALL_ALLOWED}` } })))
    const auth = axiom(url)
    await auth.fetch('/user/info')
    const sent = requests.filter((request) => request.path === '/user/info')
    expect(sent[0]!.headers.cookie).toBe(`auth-access-token=${ALL_ALLOWED}; auth-refresh-token=r-${ALL_ALLOWED}`)
  })

  it('tokens imported with setTokens() that are not cookie values are never sent: the request fails typed', async () => {
    const { url, requests } = await startServer(axiomRoutes(() => ({ body: { accessToken: 'access-1' } })))
    const auth = axiom(url)
    await auth.setTokens({ accessToken: `a; ${MARK}=1`, refreshToken: 'refresh-1' })
    const error = await rejection(auth.fetch('/user/info'))
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({ code: 'CONFIG', field: 'accessToken' })
    expect(visible(error)).not.toContain(MARK)
    // nor through the refresh call, which sends the tokens as cookies too
    expect(await rejection(auth.refresh())).toMatchObject({ code: 'CONFIG', field: 'accessToken' })
    expect(requests).toEqual([])
  })
})

describe('cookie options are checked at construction (ConfigError naming the option)', () => {
  it.each(HOSTILE)('Axiom cfClearance with %s', (_what, value) => {
    expectConfigError(() => axiom('http://127.0.0.1:9', { cfClearance: value }), 'cfClearance')
  })

  it('Axiom CF_CLEARANCE, AXIOM_ACCESS_TOKEN and AXIOM_REFRESH_TOKEN from the environment name the variable', () => {
    const saved = { ...process.env }
    try {
      for (const name of ['CF_CLEARANCE', 'AXIOM_ACCESS_TOKEN', 'AXIOM_REFRESH_TOKEN']) {
        process.env.AXIOM_ACCESS_TOKEN = 'access-1'
        process.env[name] = `x;${MARK}=1`
        expectConfigError(() => createAxiomAuth({ baseURL: 'http://127.0.0.1:9' }), name)
        delete process.env[name]
      }
    } finally {
      process.env = saved
    }
  })

  it('Axiom accessToken / refreshToken options (imported browser tokens)', () => {
    expectConfigError(() => axiom('http://127.0.0.1:9', { accessToken: `a; ${MARK}=1` }), 'accessToken')
    expectConfigError(() => axiom('http://127.0.0.1:9', { accessToken: 'a', refreshToken: `r ${MARK}` }), 'refreshToken')
  })

  it('a valid cf_clearance is sent on every call', async () => {
    const { url, requests } = await startServer(axiomRoutes(() => ({ body: { accessToken: 'access-1' } })))
    await axiom(url, { cfClearance: ALL_ALLOWED }).fetch('/user/info')
    for (const request of requests) expect(request.headers.cookie).toContain(`cf_clearance=${ALL_ALLOWED}`)
  })

  it('generic extraCookies: a bad value names extraCookies.<name>, a bad name names extraCookies', () => {
    const base: PasswordLoginConfig = {
      name: 'demo',
      baseURL: 'http://127.0.0.1:9',
      login: { url: '/login' },
      tokens: { access: { fields: ['token'] } },
      attach: { as: 'cookies', access: 'session' },
    }
    expectConfigError(() => createPasswordLoginAuth({ ...base, extraCookies: { clearance: `c; ${MARK}=1` } }), 'extraCookies.clearance')
    expectConfigError(() => createPasswordLoginAuth({ ...base, extraCookies: { [`a;${MARK}`]: 'v' } }), 'extraCookies')
    expectConfigError(() => createPasswordLoginAuth({ ...base, attach: { as: 'cookies', access: `s=${MARK}` } }), 'attach.access')
  })
})

describe('generic style: tokens are checked where they go into a cookie', () => {
  const generic = (url: string, attach: { as: 'cookies'; access: string } | { as: 'header' }) =>
    createPasswordLoginAuth({
      name: 'demo',
      baseURL: url,
      email: 'user@demo.test',
      password: 'pw',
      login: { url: '/login' },
      tokens: { access: { fields: ['token'] } },
      attach,
    })

  it('attach as cookies: a token with a cookie separator is a ResponseShapeError naming its field', async () => {
    const { url, requests } = await startServer({ '/login': () => ({ body: { token: `t; ${MARK}=1` } }), '/me': () => ({ body: {} }) })
    expectShapeError(await rejection(generic(url, { as: 'cookies', access: 'session' }).fetch('/me')), 'token')
    expect(requests.map((request) => request.path)).toEqual(['/login'])
  })

  it('attach as a header: the cookie rule does not apply (a token with "=" and "/" is fine either way)', async () => {
    const { url, requests } = await startServer({ '/login': () => ({ body: { token: 'a/b=c' } }), '/me': () => ({ body: {} }) })
    await generic(url, { as: 'header' }).fetch('/me')
    expect(requests.at(-1)!.headers.authorization).toBe('Bearer a/b=c')
  })
})
