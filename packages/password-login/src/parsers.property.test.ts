import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MemoryTokenStore, type FlowResponse, type Session } from '@authmux/core'
import fc from 'fast-check'
import { createPropertyKit } from '../../core/src/testing/property-kit'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { axiomToError } from './presets/axiom-errors'
import { readTokens } from './read-tokens'
import type { PasswordLoginConfig } from './types'
import { createAxiomAuth, createPasswordLoginAuth } from './index'

/** Runs per property: enough to hit every shape class, fast enough for CI. */
const RUNS = { numRuns: 150 }
/** The configured password: a canary that must never show up in an error. */
const KEY = 'PROPPASS-CANARY-hunter2x'

// ── the shared kit: valid outcomes and arbitrary inputs ─────────────────────────────────────────────────────────

const {
  headerValueProblem,
  tokenSetProblems,
  describeError,
  secretsOf,
  expectTypedError,
  settle,
  expectUsableSession,
  trickyString,
  trickyNumber,
  messageArb,
  anyValue,
  almost,
  jsonText,
  overTheWire,
  jwtArb,
  tokenArb,
  expiresAtArb,
} = createPropertyKit(KEY, () => store)

// ── a loopback server whose next answer the property sets ──────────────────────────────────────────────────────

interface Answer {
  status: number
  body: string
  contentType?: string
  headers?: Record<string, string | string[]>
}
let reply: (path: string, method: string, body: string) => Answer = () => ({ status: 404, body: '' })
const server = createServer((req, res) => {
  let body = ''
  req.setEncoding('utf8')
  req.on('data', (chunk: string) => (body += chunk))
  req.on('end', () => {
    const answer = reply(new URL(req.url ?? '/', 'http://x').pathname, req.method ?? 'GET', body)
    try {
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json', ...answer.headers })
    } catch {
      // a header value node:http refuses to send (CR/LF …): answer without the extra headers
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' })
    }
    res.end(answer.body)
  })
})
let origin = ''
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

/** One store for every session a property creates (each run uses its own store key). */
const store = new MemoryTokenStore()
let runs = 0
/** Engine options that keep one property run fast: no retries, no 429 waits, no background timer, a fresh store key. */
const fast = () => ({ retry: { maxRetries: 0 }, maxRateLimitWaitMs: 0, backgroundRefresh: false, store, storeKey: `run-${++runs}` }) as const

const statusArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(200) },
  { weight: 2, arbitrary: fc.constantFrom(201, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503) },
)
/** A body for `payload`: JSON (mostly), plain text, or JSON cut short. */
const bodyOf = (payload: fc.Arbitrary<unknown>): fc.Arbitrary<{ body: string; contentType: string }> =>
  fc.oneof(
    { weight: 6, arbitrary: payload.map((value) => ({ body: jsonText(value), contentType: 'application/json' })) },
    { weight: 1, arbitrary: trickyString.map((text) => ({ body: text, contentType: 'text/plain' })) },
    { weight: 1, arbitrary: payload.map((value) => ({ body: jsonText(value).slice(0, 7), contentType: 'application/json' })) },
  )

// ── cookies ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** RFC 6265 cookie-octets: what a cookie value may contain to be sent back unquoted. */
const COOKIE_OCTETS = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/

/**
 * Checks a Cookie header: it must parse back into exactly `expected` (name → value, in any order) — a value carrying
 * `; name=value` would add a cookie — and every value must be cookie-octets.
 */
function cookieHeaderProblem(header: string | undefined, expected: Record<string, string | undefined>): string {
  const wanted = Object.entries(expected).filter((entry): entry is [string, string] => entry[1] !== undefined)
  for (const [name, value] of wanted) {
    if (!COOKIE_OCTETS.test(value)) return `cookie ${name} would carry ${JSON.stringify(value)}, which is not RFC 6265 cookie-octets`
  }
  const parsed = (header ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)] as const)
  const got = JSON.stringify(Object.fromEntries(parsed.sort(([a], [b]) => a.localeCompare(b))))
  const want = JSON.stringify(Object.fromEntries(wanted.sort(([a], [b]) => a.localeCompare(b))))
  return got === want ? '' : `the Cookie header ${JSON.stringify(header)} parses into ${got}, not ${want}`
}

/** A Set-Cookie value as servers send it: a good token, a tricky one percent-encoded (the engine decodes it), or raw. */
const cookieValueArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('tok_0123456789abcdef', 'a.b.c') },
  { weight: 2, arbitrary: jwtArb },
  { weight: 2, arbitrary: trickyString.map((value) => encodeURIComponent(value)) },
  { weight: 2, arbitrary: trickyString.filter((value) => /^[\t\x20-\x7e\x80-\xff]*$/.test(value) && !value.includes(';')) },
  { weight: 1, arbitrary: fc.constantFrom('x%3B%20admin%3Dtrue', '%22quoted%22', 'a%2Cb', '%0D%0AInjected%3A%201', '%E2%82%AC') },
)
const setCookieArb = (name: string) =>
  fc
    .tuple(cookieValueArb, fc.constantFrom('; Path=/; HttpOnly', '; Path=/; Max-Age=0', '', '; Expires=Thu, 01 Jan 1970 00:00:00 GMT'))
    .map(([value, attributes]) => `${name}=${value}${attributes}`)

/** A login/code/refresh answer: any status, a body shaped like the tokens (or not), Set-Cookie lines sometimes. */
const tokenAnswerArb = (cookieNames: string[], body: fc.Arbitrary<unknown>) =>
  fc
    .tuple(
      statusArb,
      bodyOf(body),
      fc.subarray(cookieNames).chain((names) => fc.tuple(...names.map(setCookieArb))),
    )
    .map(([status, answer, cookies]) => ({ status, ...answer, ...(cookies.length ? { headers: { 'set-cookie': cookies } } : {}) }))

const genericTokens = almost({
  accessToken: tokenArb,
  refreshToken: tokenArb,
  expiresIn: fc.oneof(fc.nat({ max: 86_400 }), trickyNumber, trickyString),
  expiresAt: expiresAtArb,
})
const axiomTokens = almost({ accessToken: tokenArb, refreshToken: tokenArb, 'auth-access-token': tokenArb, access_token: tokenArb, error: messageArb })

/** The generic config under test: tokens from cookies or body fields, attached as cookies or as a header. */
function genericConfig(attach: PasswordLoginConfig['attach']): PasswordLoginConfig {
  return {
    name: 'prop',
    baseURL: origin,
    email: 'user@example.com',
    password: KEY,
    login: { url: '/auth/login', retry: false },
    tokens: {
      access: { cookies: ['at'], fields: ['accessToken'] },
      refresh: { cookies: ['rt'], fields: ['refreshToken'] },
      expiresInField: 'expiresIn',
      expiresAtField: 'expiresAt',
    },
    refresh: { url: '/auth/refresh', send: attach.as === 'cookies' ? { as: 'cookies', refresh: 'rt', access: 'at' } : { as: 'json', field: 'refreshToken' } },
    attach,
    ...fast(),
  }
}

/** After a successful login/refresh: a usable session, and (cookie attach) a Cookie header holding exactly the tokens. */
async function expectUsableCookies(auth: Session, where: string, names: { access: string; refresh?: string }): Promise<void> {
  const stored = await auth.storeKey().then((key) => store.get(key))
  const headers = await settle(() => auth.getHeaders({ url: '/x' }))
  // An imported token that is already expired and cannot be renewed here signs the session out: a typed error is the
  // right outcome then, not an unusable token.
  if (!headers.ok) return expectTypedError(headers.error, `${where} then getHeaders()`, [KEY])
  const expected: Record<string, string | undefined> = { [names.access]: auth.accessToken }
  if (names.refresh) expected[names.refresh] = stored?.refreshToken
  const cookieProblem = headers.ok ? cookieHeaderProblem(headers.value.cookie, expected) : ''
  try {
    await expectUsableSession(auth, where, ['/x'], [KEY])
  } catch (error) {
    throw new Error(`${(error as Error).message}${cookieProblem ? `; also ${cookieProblem}` : ''}`)
  }
  if (cookieProblem) throw new Error(`${where}: ${cookieProblem} — expected a typed error`)
}

// ── the properties ──────────────────────────────────────────────────────────────────────────────────────────────

describe('@authmux/password-login: parsers and header builders under arbitrary input', () => {
  it('readTokens: any body and cookies → a typed error or a token set with non-empty string tokens', () => {
    const label = { name: 'prop', packageName: '@authmux/password-login' }
    fc.assert(
      fc.property(
        fc.oneof(genericTokens, axiomTokens, fc.jsonValue()).map(overTheWire),
        fc.dictionary(fc.constantFrom('at', 'rt', 'other'), trickyString, { maxKeys: 3 }),
        fc.integer({ min: 200, max: 299 }),
        (data, cookies, status) => {
          const response: FlowResponse = { ok: true, status, headers: new Headers(), data, cookies }
          let tokens: ReturnType<typeof readTokens>
          try {
            tokens = readTokens(
              response,
              label,
              'login',
              { cookies: ['at'], fields: ['accessToken', 'access_token'] },
              { cookies: ['rt'], fields: ['refreshToken'] },
            )
          } catch (error) {
            // Thrown inside acquire()/renew(): the engine redacts it on the way out, so no secret check here.
            return expectTypedError(error, 'readTokens()', [])
          }
          const problems = tokenSetProblems(tokens, false)
          if (problems.length > 0) throw new Error(`readTokens() returned an invalid token set: ${problems.join('; ')}`)
        },
      ),
      { numRuns: 300 },
    )
  })

  for (const attach of [{ as: 'header' }, { as: 'cookies', access: 'at', refresh: 'rt' }] as const) {
    it(`createPasswordLoginAuth (attach as ${attach.as}) over HTTP: any login and refresh answers, bodies and Set-Cookie values → a typed error or usable tokens`, async () => {
      await fc.assert(
        fc.asyncProperty(tokenAnswerArb(['at', 'rt'], genericTokens), tokenAnswerArb(['at', 'rt'], genericTokens), async (login, refresh) => {
          reply = (path) => (path === '/auth/refresh' ? refresh : login)
          const auth = createPasswordLoginAuth(genericConfig(attach))
          const check = (where: string) =>
            attach.as === 'cookies' ? expectUsableCookies(auth, where, { access: 'at', refresh: 'rt' }) : expectUsableSession(auth, where, ['/x'], [KEY])
          try {
            const loggedIn = await settle(() => auth.login())
            if (!loggedIn.ok) return expectTypedError(loggedIn.error, `HTTP ${login.status} login`)
            await check(`HTTP ${login.status} login`)
            const refreshed = await settle(() => auth.refresh())
            if (!refreshed.ok) return expectTypedError(refreshed.error, `HTTP ${refresh.status} refresh`)
            await check(`HTTP ${refresh.status} refresh`)
          } finally {
            auth.dispose()
          }
        }),
        RUNS,
      )
    })
  }

  it('createPasswordLoginAuth options: any attach header/scheme, cookie names, request headers and extra cookies → ConfigError, or safe headers', async () => {
    const nameArb = fc.oneof(trickyString, fc.constantFrom('X-Token', 'session', 'Authorization'))
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({
            as: fc.constant('header' as const),
            header: fc.option(nameArb, { nil: undefined }),
            scheme: fc.option(trickyString, { nil: undefined }),
          }),
          fc.record({ as: fc.constant('cookies' as const), access: nameArb }),
        ),
        fc.option(fc.dictionary(nameArb, trickyString, { maxKeys: 2 }), { nil: undefined }),
        fc.option(fc.dictionary(fc.constantFrom('cf_clearance', 'x'), fc.oneof(trickyString, fc.constant('CANARYCOOKIE-0123')), { maxKeys: 1 }), {
          nil: undefined,
        }),
        async (attach, requestHeaders, extraCookies) => {
          reply = () => ({ status: 200, body: jsonText({ accessToken: 'tok_0123456789abcdef' }) })
          const built = await settle(() => createPasswordLoginAuth({ ...genericConfig(attach), requestHeaders, extraCookies }))
          if (!built.ok) return expectTypedError(built.error, 'createPasswordLoginAuth()', secretsOf(KEY, ...Object.values(extraCookies ?? {})))
          const auth = built.value
          try {
            const headers = await settle(() => auth.getHeaders({ url: '/x' }))
            if (!headers.ok) return expectTypedError(headers.error, 'getHeaders()', secretsOf(KEY, ...Object.values(extraCookies ?? {})))
            for (const [name, value] of Object.entries(headers.value)) {
              const problem = headerValueProblem(value)
              if (problem) throw new Error(`options were accepted, but getHeaders() builds ${name}: ${problem} — expected a ConfigError naming the option`)
            }
            if (attach.as === 'cookies') {
              const problem = cookieHeaderProblem(headers.value.cookie, { ...extraCookies, [attach.access]: auth.accessToken })
              if (problem) throw new Error(`options were accepted, but ${problem} — expected a ConfigError naming the option`)
            }
          } finally {
            auth.dispose()
          }
        },
      ),
      RUNS,
    )
  })

  it('Axiom over HTTP: any code-step and refresh answers, bodies and Set-Cookie values → a typed error or usable auth cookies', async () => {
    // One strategy for the whole property: the PBKDF2 password hash (600,000 iterations) is computed once per strategy.
    const auth = createAxiomAuth({
      baseURL: origin,
      email: 'user@example.com',
      password: KEY,
      otp: async () => '123456',
      env: false,
      loginLimit: { maxAttempts: 1_000_000 },
      ...fast(),
    })
    const cookieNames = ['auth-access-token', 'auth-refresh-token']
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.constant({ status: 200, body: jsonText({ otpJwtToken: 'otp_0123456789' }), contentType: 'application/json' }),
            tokenAnswerArb(['auth-otp-login-token'], almost({ otpJwtToken: tokenArb, error: messageArb })),
          ),
          tokenAnswerArb(cookieNames, axiomTokens),
          tokenAnswerArb(cookieNames, axiomTokens),
          async (step1, step2, refresh) => {
            reply = (path) =>
              path === '/login-password-v2' ? step1 : path === '/login-otp' ? step2 : path === '/refresh-access-token' ? refresh : { status: 404, body: '' }
            await auth.logout()
            const loggedIn = await settle(() => auth.login())
            if (!loggedIn.ok) return expectTypedError(loggedIn.error, `HTTP ${step1.status}/${step2.status} Axiom login`)
            await expectUsableCookies(auth, `HTTP ${step2.status} Axiom login`, { access: 'auth-access-token', refresh: 'auth-refresh-token' })
            const refreshed = await settle(() => auth.refresh())
            if (!refreshed.ok) return expectTypedError(refreshed.error, `HTTP ${refresh.status} Axiom refresh`)
            await expectUsableCookies(auth, `HTTP ${refresh.status} Axiom refresh`, { access: 'auth-access-token', refresh: 'auth-refresh-token' })
          },
        ),
        RUNS,
      )
    } finally {
      auth.dispose()
    }
  })

  it('Axiom setTokens(): any imported access/refresh token → ConfigError, or cookies that parse back into exactly the tokens held', async () => {
    const auth = createAxiomAuth({ baseURL: origin, env: false, ...fast() })
    try {
      await fc.assert(
        fc.asyncProperty(fc.oneof(trickyString, jwtArb), fc.option(fc.oneof(trickyString, jwtArb), { nil: undefined }), async (accessToken, refreshToken) => {
          // An imported token that has already expired is refreshed first: that refresh fails here (404), typed.
          reply = () => ({ status: 404, body: '' })
          const set = await settle(() => auth.setTokens({ accessToken, refreshToken }))
          if (!set.ok) return expectTypedError(set.error, 'setTokens()', secretsOf(accessToken, refreshToken))
          await expectUsableCookies(auth, 'setTokens()', { access: 'auth-access-token', refresh: 'auth-refresh-token' })
        }),
        RUNS,
      )
    } finally {
      auth.dispose()
    }
  })

  it('axiomToError: any status and body → undefined or a typed error', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 599 }),
        fc.oneof(axiomTokens, anyValue, messageArb).map(overTheWire),
        fc.constantFrom<'auth' | 'request'>('auth', 'request'),
        (status, data, during) => {
          let error: ReturnType<typeof axiomToError>
          try {
            error = axiomToError({ status, data, during })
          } catch (thrown) {
            throw new Error(`axiomToError() threw instead of returning: ${describeError(thrown)}`)
          }
          // Returned to the engine (flow.toError), which redacts it: no secret check here.
          if (error !== undefined) expectTypedError(error, 'axiomToError()', [])
        },
      ),
      { numRuns: 300 },
    )
  })
})
