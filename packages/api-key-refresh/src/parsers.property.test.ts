import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MemoryTokenStore, type Session } from '@authmux/core'
import fc from 'fast-check'
import { createPropertyKit } from '../../core/src/testing/property-kit'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { exchangeResponseSchema, pickMeta, refreshResponseSchema } from './schemas'
import { createApalaAuth, createApiKeyRefreshAuth } from './index'

/** Runs per property: enough to hit every shape class, fast enough for CI. */
const RUNS = { numRuns: 150 }
/** The configured API key: a canary that must never show up in an error. */
const KEY = 'PROPKEY-CANARY-7f3a9d21'

// ── the shared kit: valid outcomes and arbitrary inputs ─────────────────────────────────────────────────────────

const {
  headerValueProblem,
  tokenSetProblems,
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

const secondsArb = fc.oneof(fc.nat({ max: 86_400 }), trickyNumber, fc.constantFrom('3600', '1e3', '9'.repeat(400), '-5', '12.5'), trickyString)
const exchangeBody = almost({
  access_token: tokenArb,
  refresh_token: tokenArb,
  token_type: fc.constant('Bearer'),
  expires_in: secondsArb,
  expires_at: expiresAtArb,
  company_id: fc.oneof(fc.nat(), trickyString),
  company_name: trickyString,
})
const refreshBody = almost({ access_token: tokenArb, refresh_token: tokenArb, expires_in: secondsArb, expires_at: expiresAtArb })
const errorBody = fc.oneof(almost({ error: messageArb, message: messageArb, detail: messageArb }), anyValue)

/** The two answers of a property run: the exchange, then the refresh that follows it. */
function answering(exchange: { status: number; body: string; contentType: string }, refresh: { status: number; body: string; contentType: string }) {
  reply = (path) => (path.endsWith('/auth/refresh') ? refresh : exchange)
}

const answerArb = (body: fc.Arbitrary<unknown>) =>
  fc.tuple(statusArb, fc.oneof(bodyOf(body), bodyOf(errorBody))).map(([status, answer]) => ({ status, ...answer }))

/** Logs in (the exchange), checks the outcome, then refreshes and checks again. */
async function exchangeThenRefresh(auth: Session, where: string, secrets: string[]): Promise<void> {
  const login = await settle(() => auth.login())
  if (!login.ok) return expectTypedError(login.error, `${where} exchange`, secrets)
  await expectUsableSession(auth, `${where} exchange`, ['/x'], secrets)
  const refreshed = await settle(() => auth.refresh())
  if (!refreshed.ok) return expectTypedError(refreshed.error, `${where} refresh`, secrets)
  await expectUsableSession(auth, `${where} refresh`, ['/x'], secrets)
}

// ── the properties ──────────────────────────────────────────────────────────────────────────────────────────────

describe('@authmux/api-key-refresh: parsers and header builders under arbitrary input', () => {
  it('exchange/refresh schemas and pickMeta: any JSON → a parse failure or non-empty tokens, numeric seconds and primitive meta', () => {
    fc.assert(
      fc.property(fc.oneof(exchangeBody, refreshBody, fc.jsonValue()).map(overTheWire), (body) => {
        for (const [name, schema] of [
          ['exchange', exchangeResponseSchema],
          ['refresh', refreshResponseSchema],
        ] as const) {
          const parsed = schema.safeParse(body)
          if (!parsed.success) continue
          const data = parsed.data
          const problems = tokenSetProblems({ accessToken: data.access_token, refreshToken: data.refresh_token }, false)
          if (data.expires_in !== undefined && typeof data.expires_in !== 'number') problems.push(`expires_in is ${typeof data.expires_in}`)
          if (problems.length > 0) throw new Error(`the ${name} schema accepted ${JSON.stringify(body)}: ${problems.join('; ')}`)
          const meta = pickMeta(data, { company_id: 'companyId', company_name: 'companyName', token_type: 'tokenType' })
          const metaProblems = meta ? tokenSetProblems({ accessToken: 'x', meta }, false) : []
          if (metaProblems.length > 0) throw new Error(`pickMeta gave ${metaProblems.join('; ')}`)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('createApiKeyRefreshAuth over HTTP: any exchange and refresh answers → a typed error or a usable token set (visible ASCII, finite expiry)', async () => {
    await fc.assert(
      fc.asyncProperty(answerArb(exchangeBody), answerArb(refreshBody), async (exchange, refresh) => {
        answering(exchange, refresh)
        const auth = createApiKeyRefreshAuth({ apiKey: KEY, baseURL: origin, ...fast() })
        try {
          await exchangeThenRefresh(auth, `HTTP ${exchange.status}/${refresh.status}`, [KEY])
        } finally {
          auth.dispose()
        }
      }),
      RUNS,
    )
  })

  it('Apala over HTTP: any exchange and refresh answers → a typed error or a usable token set, and company is undefined or two strings', async () => {
    await fc.assert(
      fc.asyncProperty(answerArb(exchangeBody), answerArb(refreshBody), async (exchange, refresh) => {
        answering(exchange, refresh)
        const auth = createApalaAuth({ apiKey: KEY, baseURL: origin, ...fast() })
        try {
          await exchangeThenRefresh(auth, `Apala HTTP ${exchange.status}/${refresh.status}`, [KEY])
          const company = auth.company
          if (company !== undefined && (typeof company.id !== 'string' || typeof company.name !== 'string'))
            throw new Error(`company is ${JSON.stringify(company)}`)
        } finally {
          auth.dispose()
        }
      }),
      RUNS,
    )
  })

  it('options: any apiKey, header, scheme and field names → ConfigError at construction, or a visible-ASCII credential header', async () => {
    const keyArb = fc.oneof(
      trickyString,
      fc.tuple(trickyString, trickyString).map(([a, b]) => `${a}KEYCANARY${b}`),
      fc.anything(),
    )
    const optional = (arb: fc.Arbitrary<unknown>) => fc.option(arb, { nil: undefined })
    await fc.assert(
      fc.asyncProperty(
        keyArb,
        optional(fc.oneof(trickyString, fc.constantFrom('X-API-Key', 'Authorization'))),
        optional(fc.oneof(trickyString, fc.constant(null), fc.constant('Token'))),
        optional(trickyString),
        optional(fc.oneof(trickyString, fc.constant('/v2/token'))),
        async (apiKey, header, scheme, apiKeyField, tokenPath) => {
          reply = () => ({ status: 200, body: jsonText({ access_token: 'at_0123456789', refresh_token: 'rt_0123456789', expires_in: 3600 }) })
          const built = await settle(() =>
            createApiKeyRefreshAuth({
              apiKey: apiKey as string,
              baseURL: origin,
              header: header as string,
              scheme: scheme as string,
              apiKeyField: apiKeyField as string,
              tokenPath: tokenPath as string,
              ...fast(),
            }),
          )
          if (!built.ok) return expectTypedError(built.error, 'createApiKeyRefreshAuth()', secretsOf(apiKey))
          const auth = built.value
          try {
            const headers = await settle(() => auth.getHeaders({ url: '/x' }))
            if (!headers.ok) return expectTypedError(headers.error, 'getHeaders()', secretsOf(apiKey))
            for (const [name, value] of Object.entries(headers.value)) {
              const problem = headerValueProblem(value)
              if (problem) throw new Error(`options were accepted, but getHeaders() builds ${name}: ${problem} — expected a ConfigError naming the option`)
            }
          } finally {
            auth.dispose()
          }
        },
      ),
      RUNS,
    )
  })

  it('Apala options: any apiKey → ConfigError at construction, or an exchange that sends exactly that key (trimmed)', async () => {
    let received: unknown
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          trickyString,
          fc.tuple(trickyString, trickyString).map(([a, b]) => `${a}KEYCANARY${b}`),
        ),
        async (apiKey) => {
          received = undefined
          reply = (_path, _method, body) => {
            received = (JSON.parse(body || '{}') as { api_key?: unknown }).api_key
            return { status: 200, body: jsonText({ access_token: 'at_0123456789', refresh_token: 'rt_0123456789', expires_in: 3600 }) }
          }
          const built = await settle(() => createApalaAuth({ apiKey, baseURL: origin, ...fast() }))
          if (!built.ok) return expectTypedError(built.error, 'createApalaAuth()', secretsOf(apiKey))
          const auth = built.value
          try {
            const login = await settle(() => auth.login())
            if (!login.ok) return expectTypedError(login.error, 'Apala exchange', secretsOf(apiKey))
            // The options rule: a value is used trimmed (a key pasted with a line break still works).
            if (received !== apiKey.trim()) {
              throw new Error(`the exchange sent api_key ${JSON.stringify(received)}, not the configured ${JSON.stringify(apiKey)} (trimmed)`)
            }
          } finally {
            auth.dispose()
          }
        },
      ),
      RUNS,
    )
  })
})
