import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MemoryTokenStore, type RateLimitError, resolveExpiry, type FlowContext, type Session } from '@authmux/core'
import fc from 'fast-check'
import { createPropertyKit } from '../../core/src/testing/property-kit'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { z } from 'zod'
import { findProjectXAccount } from './presets/projectx/account'
import { tradeReadyError } from './presets/tradeready/errors'
import { readRateLimit } from './presets/tradeready/rate-limit'
import { tokenSetFrom } from './token-set'
import { createKeySecretJwtAuth, createProjectXAuth, createTradeReadyAuth } from './index'

/** Runs per property: enough to hit every shape class, fast enough for CI. */
const RUNS = { numRuns: 150 }
/** The configured API key: a canary that must never show up in an error. */
const KEY = 'PROPKEY-CANARY-7f3a9d21'
const SECRET = 'PROPSECRET-CANARY-55b0d1'

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

/** A FlowContext for calling parsers directly: the engine's expiry maths on the real clock, nothing else. */
const ctx = {
  now: () => Date.now(),
  skewMs: () => 0,
  addSecret: () => {},
  expiry: (input: Parameters<FlowContext['expiry']>[0]) => resolveExpiry(input, { now: Date.now(), skewMs: 0 }),
  request: () => Promise.reject(new Error('no requests here')),
} as FlowContext
const label = { name: 'prop', packageName: '@authmux/key-secret-jwt' }

const tradeReadyCodes = fc.constantFrom(
  'INVALID_API_KEY',
  'ACCOUNT_NOT_FOUND',
  'INVALID_TOKEN',
  'ACCOUNT_SUSPENDED',
  'PERMISSION_DENIED',
  'RATE_LIMIT_EXCEEDED',
  'VALIDATION_ERROR',
)
const tradeReadyErrorBody = fc.oneof(
  fc.record({
    error: almost({
      code: fc.oneof(tradeReadyCodes, trickyString),
      message: messageArb,
      details: fc.oneof(almost({ retry_after_seconds: trickyNumber }), anyValue),
    }),
  }),
  anyValue,
)
const tradeReadyLoginBody = almost({ token: tokenArb, expires_at: expiresAtArb, token_type: fc.constant('bearer') })
const retryAfterArb = fc.oneof(fc.constantFrom('0', '1', '-5', '1e308', 'abc', 'Wed, 21 Oct 2015 07:28:00 GMT', '99999999999', ''), fc.nat().map(String))

const projectXLoginBody = almost({
  token: tokenArb,
  success: fc.boolean(),
  errorCode: fc.oneof(fc.integer({ min: 0, max: 12 }), trickyNumber),
  errorMessage: messageArb,
})
const projectXValidateBody = almost({
  success: fc.boolean(),
  errorCode: fc.oneof(fc.integer({ min: 0, max: 6 }), trickyNumber),
  errorMessage: messageArb,
  newToken: tokenArb,
  token: tokenArb,
})

// ── the properties ──────────────────────────────────────────────────────────────────────────────────────────────

describe('@authmux/key-secret-jwt: parsers and header builders under arbitrary input', () => {
  it('tokenSetFrom: any body and field selectors → a typed error or a token set (non-empty token, finite or no expiry)', () => {
    fc.assert(
      fc.property(
        fc
          .oneof(
            almost({ token: tokenArb, expires_at: expiresAtArb, expires_in: fc.oneof(trickyNumber, fc.nat()) }),
            almost({ data: almost({ token: tokenArb, exp: expiresAtArb }) }),
            fc.jsonValue(),
          )
          .map(overTheWire),
        fc.constantFrom('token', 'data.token', 'data'),
        fc.constantFrom(undefined, 'expires_at', 'data.exp'),
        fc.constantFrom(undefined, 'expires_in'),
        (data, tokenField, expiresAtField, expiresInSecondsField) => {
          let tokens: ReturnType<typeof tokenSetFrom>
          try {
            tokens = tokenSetFrom(data, { tokenField, expiresAtField, expiresInSecondsField }, ctx, label, '/login')
          } catch (error) {
            // Thrown inside acquire(): the engine redacts it on the way out, so no secret check here.
            return expectTypedError(error, 'tokenSetFrom()', [])
          }
          const problems = tokenSetProblems(tokens, false)
          if (problems.length > 0) throw new Error(`tokenSetFrom() returned an invalid token set: ${problems.join('; ')}`)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('createKeySecretJwtAuth login over HTTP: any status and body → a typed error or a usable token (visible ASCII, finite expiry, safe header)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          tokenField: fc.constantFrom('token', 'data.token'),
          expiresAtField: fc.constantFrom(undefined, 'expires_at'),
          expiresInSecondsField: fc.constantFrom(undefined, 'expires_in'),
        }),
        statusArb,
        bodyOf(
          fc.oneof(
            almost({ token: tokenArb, expires_at: expiresAtArb, expires_in: fc.oneof(trickyNumber, fc.nat()) }),
            almost({ data: almost({ token: tokenArb }), expires_at: expiresAtArb }),
            fc.jsonValue(),
          ),
        ),
        async (fields, status, answer) => {
          reply = () => ({ status, ...answer })
          const auth = createKeySecretJwtAuth({
            name: 'prop',
            baseURL: origin,
            loginPath: '/auth/login',
            loginBody: () => ({ key: KEY, secret: SECRET }),
            responseSchema: z.unknown(),
            secrets: [KEY, SECRET],
            ...fields,
            ...fast(),
          })
          try {
            const login = await settle(() => auth.login())
            if (!login.ok) return expectTypedError(login.error, `HTTP ${status} login`, [KEY, SECRET])
            await expectUsableSession(auth, `HTTP ${status} login`, ['/x'], [KEY, SECRET])
          } finally {
            auth.dispose()
          }
        },
      ),
      RUNS,
    )
  })

  it('attach option: any header name and scheme → ConfigError, or a valid header name carrying a visible-ASCII value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.oneof(trickyString, fc.constantFrom('X-Token', 'Authorization')), { nil: undefined }),
        fc.option(fc.oneof(trickyString, fc.constant(null)), { nil: undefined }),
        async (header, scheme) => {
          reply = () => ({ status: 200, body: jsonText({ token: 'tok_0123456789abcdef', expires_in: 3600 }) })
          const built = await settle(() =>
            createKeySecretJwtAuth({
              name: 'prop',
              baseURL: origin,
              loginPath: '/auth/login',
              loginBody: () => ({ key: KEY }),
              responseSchema: z.unknown(),
              tokenField: 'token',
              expiresInSecondsField: 'expires_in',
              attach: { header, scheme },
              ...fast(),
            }),
          )
          if (!built.ok) return expectTypedError(built.error, 'createKeySecretJwtAuth({ attach })')
          const auth = built.value
          try {
            const headers = await settle(() => auth.getHeaders({ url: '/x' }))
            if (!headers.ok) return expectTypedError(headers.error, 'getHeaders() with the attach option', secretsOf('tok_0123456789abcdef'))
            for (const [name, value] of Object.entries(headers.value)) {
              const problem = headerValueProblem(value)
              if (problem) throw new Error(`attach { header: ${JSON.stringify(header)}, scheme: ${JSON.stringify(scheme)} } builds ${name}: ${problem}`)
            }
          } finally {
            auth.dispose()
          }
        },
      ),
      RUNS,
    )
  })

  it('TradeReady login over HTTP: any status, body and Retry-After → a typed error or a usable JWT on /agents routes and the key on the others', async () => {
    await fc.assert(
      fc.asyncProperty(
        statusArb,
        fc.oneof(bodyOf(tradeReadyLoginBody), bodyOf(tradeReadyErrorBody)),
        fc.option(retryAfterArb, { nil: undefined }),
        async (status, answer, retryAfter) => {
          reply = () => ({ status, ...answer, ...(retryAfter === undefined ? {} : { headers: { 'retry-after': retryAfter } }) })
          const auth = createTradeReadyAuth({ apiKey: KEY, apiSecret: SECRET, agentId: 'agent-1', baseURL: `${origin}/api/v1`, ...fast() })
          try {
            const login = await settle(() => auth.login())
            if (!login.ok) {
              expectTypedError(login.error, `HTTP ${status} /auth/login`, [KEY, SECRET])
              const waitMs = (login.error as RateLimitError).retryAfterMs
              if (waitMs !== undefined && !(Number.isFinite(waitMs) && waitMs >= 0)) throw new Error(`RateLimitError.retryAfterMs is ${waitMs}`)
              return
            }
            await expectUsableSession(auth, `HTTP ${status} /auth/login`, ['/agents/a1', '/market/prices'], [KEY, SECRET])
          } finally {
            auth.dispose()
          }
        },
      ),
      RUNS,
    )
  })

  it('TradeReady options: any apiKey, apiSecret and agentId → ConfigError at construction, or visible-ASCII X-API-Key / X-Agent-Id headers', async () => {
    const keyArb = fc.oneof(
      trickyString,
      fc.tuple(trickyString, trickyString).map(([a, b]) => `${a}KEYCANARY${b}`),
    )
    await fc.assert(
      fc.asyncProperty(keyArb, keyArb, fc.option(trickyString, { nil: undefined }), async (apiKey, apiSecret, agentId) => {
        const built = await settle(() => createTradeReadyAuth({ apiKey, apiSecret, agentId, baseURL: `${origin}/api/v1`, ...fast() }))
        if (!built.ok) return expectTypedError(built.error, 'createTradeReadyAuth()', secretsOf(apiKey, apiSecret))
        const auth = built.value
        try {
          const headers = await settle(() => auth.getHeaders({ url: '/market/prices' }))
          if (!headers.ok) return expectTypedError(headers.error, 'getHeaders(/market/prices)', secretsOf(apiKey, apiSecret))
          for (const [name, value] of Object.entries(headers.value)) {
            const problem = headerValueProblem(value)
            if (problem)
              throw new Error(`options were accepted, but getHeaders(/market/prices) builds ${name}: ${problem} — expected a ConfigError naming the option`)
          }
        } finally {
          auth.dispose()
        }
      }),
      RUNS,
    )
  })

  it('tradeReadyError: any status, body and rate-limit headers → undefined or a typed error; a wait is finite and not negative', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 200, max: 599 }),
        tradeReadyErrorBody.map(overTheWire),
        fc.option(retryAfterArb, { nil: undefined }),
        fc.option(fc.oneof(retryAfterArb, fc.constantFrom('1e400', '-1e400')), { nil: undefined }),
        fc.constantFrom<'auth' | 'request'>('auth', 'request'),
        (status, data, retryAfter, reset, during) => {
          const headers = new Headers()
          if (retryAfter !== undefined) headers.set('retry-after', retryAfter)
          if (reset !== undefined) headers.set('x-ratelimit-reset', reset)
          let error: ReturnType<typeof tradeReadyError>
          try {
            error = tradeReadyError({ status, headers, data, during })
          } catch (thrown) {
            throw new Error(`tradeReadyError() threw instead of returning: ${describeError(thrown)}`)
          }
          if (error === undefined) return
          // Returned to the engine (flow.toError), which redacts it: no secret check here (the HTTP property checks it).
          expectTypedError(error, 'tradeReadyError()', [])
          const waitMs = (error as RateLimitError).retryAfterMs
          if (waitMs !== undefined && !(Number.isFinite(waitMs) && waitMs >= 0))
            throw new Error(`RateLimitError.retryAfterMs is ${waitMs} (body details ${JSON.stringify(data)})`)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('readRateLimit: any X-RateLimit-* values → undefined or three finite numbers', () => {
    const value = fc.oneof(retryAfterArb, fc.constantFrom('1e400', '-1', '0x10', ' 7 ', '1_000'), trickyNumber.map(String))
    fc.assert(
      fc.property(value, value, value, (limit, remaining, reset) => {
        const headers = new Headers()
        for (const [name, v] of [
          ['limit', limit],
          ['remaining', remaining],
          ['reset', reset],
        ] as const) {
          if (/^[\x20-\x7e]*$/.test(v)) headers.set(`x-ratelimit-${name}`, v)
        }
        const read = readRateLimit(headers)
        if (read && ![read.limit, read.remaining, read.resetAt].every(Number.isFinite)) throw new Error(`readRateLimit() gave ${JSON.stringify(read)}`)
      }),
      { numRuns: 300 },
    )
  })

  it('ProjectX /Auth/loginKey then /Auth/validate over HTTP: any status and body → a typed error or a usable JWT', async () => {
    await fc.assert(
      fc.asyncProperty(
        statusArb,
        bodyOf(projectXLoginBody),
        statusArb,
        bodyOf(projectXValidateBody),
        async (loginStatus, loginAnswer, validateStatus, validateAnswer) => {
          reply = (path) => (path.endsWith('/Auth/validate') ? { status: validateStatus, ...validateAnswer } : { status: loginStatus, ...loginAnswer })
          const auth = createProjectXAuth({ username: 'trader', apiKey: KEY, baseURL: `${origin}/api`, ...fast() })
          try {
            const login = await settle(() => auth.login())
            if (!login.ok) return expectTypedError(login.error, `HTTP ${loginStatus} /Auth/loginKey`)
            await expectUsableSession(auth, `HTTP ${loginStatus} /Auth/loginKey`, ['/Account/search'], [KEY])
            const refresh = await settle(() => auth.refresh())
            if (!refresh.ok) return expectTypedError(refresh.error, `HTTP ${validateStatus} /Auth/validate`)
            await expectUsableSession(auth, `HTTP ${validateStatus} /Auth/validate`, ['/Account/search'], [KEY])
          } finally {
            auth.dispose()
          }
        },
      ),
      RUNS,
    )
  })

  it('ProjectX account(): any /Account/search body → a typed error or an account with a finite numeric id and a name', async () => {
    const accountArb = almost({
      id: fc.oneof(fc.nat(), trickyNumber),
      name: trickyString,
      balance: trickyNumber,
      canTrade: fc.boolean(),
      simulated: fc.boolean(),
    })
    const bodyArb = fc.oneof(
      almost({ accounts: fc.array(accountArb, { maxLength: 3 }), success: fc.boolean(), errorCode: trickyNumber, errorMessage: messageArb }),
      fc.jsonValue(),
    )
    await fc.assert(
      fc.asyncProperty(bodyArb.map(overTheWire), fc.option(trickyString, { nil: undefined }), async (body, accountName) => {
        // account() throws what this returns straight to the caller (the body came through strategy.fetch already),
        // so a secret echoed in the body must be redacted here.
        const strategy = { fetch: async () => body } as unknown as Session
        const found = await settle(() => findProjectXAccount(strategy, accountName))
        // A ConfigError lists the active account names on purpose (not secrets, even when one looks like the key).
        if (!found.ok) return expectTypedError(found.error, 'findProjectXAccount()', (found.error as { code?: unknown }).code === 'CONFIG' ? [] : [KEY])
        const { id, name } = found.value
        if (!(typeof id === 'number' && Number.isFinite(id)) || typeof name !== 'string') throw new Error(`account() returned ${JSON.stringify(found.value)}`)
      }),
      { numRuns: 300 },
    )
  })
})
