// Property tests (issue 12): arbitrary JSON and arbitrary strings fed into every response parser and header builder
// of @authmux/bearer — the option checks behind the credential header, the AionMarket envelope and schemas, the
// management helpers (directly and over loopback HTTP), the key ring's rotation, timestamps and webhook signatures —
// must end in a typed error (an AuthError subclass with a specific code, no secret in it) or a valid result: non-empty
// credentials of visible ASCII, header values a server receives exactly as meant, finite times.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MemoryTokenStore } from '@authmux/core'
import fc from 'fast-check'
import { createPropertyKit } from '../../core/src/testing/property-kit'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { createApiKey, listApiKeys, me, registerAgent } from './aionmarket/management'
import { unwrapEnvelope } from './aionmarket/envelope'
import { toEpochMs } from './aionmarket/time'
import { computeWebhookSignature, createAionMarketAuth, createBearerAuth, createKeyRing, verifyWebhookSignature } from './index'

/** Runs per property: enough to hit every shape class, fast enough for CI. */
const RUNS = { numRuns: 150 }
/** The configured API key: a canary that must never show up in an error. */
const KEY = 'PROPKEY-CANARY-7f3a9d21'

const {
  credentialProblem,
  headerValueProblem,
  describeError,
  secretsOf,
  expectTypedError,
  settle,
  trickyString,
  trickyNumber,
  messageArb,
  anyValue,
  field,
  almost,
  jsonText,
  overTheWire,
} = createPropertyKit(KEY, () => new MemoryTokenStore())

// ── what a valid outcome is ─────────────────────────────────────────────────────────────────────────────────────

function expectFiniteOrUndefined(value: unknown, where: string): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value))) throw new Error(`${where} is ${String(value)}, not a finite number`)
}

// ── arbitrary inputs ────────────────────────────────────────────────────────────────────────────────────────────

/** A credential an arbitrary input may surround: the canary in the middle makes a leak of it detectable. */
const secretArb = (marker: string) =>
  fc.oneof(
    trickyString,
    fc.tuple(trickyString, trickyString).map(([before, after]) => `${before}${marker}${after}`),
    fc.constant(`k-${marker}-0123`),
  )

/** AionMarket's three envelopes around `payload` (`{code,data,msg}`, `{success,data}`, bare), with odd codes too. */
function enveloped(payload: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    payload,
    fc.record({ code: fc.oneof(fc.constantFrom(0, 200, '0', '200', 401, '401', 500, -1, 1e308), anyValue), data: payload, msg: field(messageArb) }),
    fc.record({ success: fc.oneof(fc.boolean(), anyValue), data: payload, message: field(messageArb) }),
    fc.jsonValue(),
  )
}

const idArb = fc.oneof(trickyString, trickyNumber)
const timeArb = fc.oneof(fc.constantFrom('1718000000000', '2026-01-15T12:00:00Z', 1718000000000), trickyString, trickyNumber)
const registerPayload = almost({
  agentId: idArb,
  agentName: trickyString,
  apiKeyCode: trickyString,
  claimCode: trickyString,
  claimUrl: trickyString,
  simulationBalance: fc.oneof(trickyNumber, trickyString),
})
const createKeyPayload = almost({ id: idArb, keyName: trickyString, apiKeyCode: trickyString, apiKey: trickyString, key: trickyString })
const keyObject = almost({
  id: idArb,
  keyName: trickyString,
  apiKeyCode: trickyString,
  status: fc.oneof(fc.constantFrom(1, 2, '1'), anyValue),
  createType: fc.oneof(fc.constantFrom(1, 2), anyValue),
  createdAt: timeArb,
  lastCalledAt: timeArb,
})
const listPayload = fc.oneof(
  fc.array(keyObject, { maxLength: 3 }),
  fc.record({ list: fc.array(keyObject, { maxLength: 2 }) }),
  fc.record({ records: fc.array(keyObject, { maxLength: 2 }) }),
  anyValue,
)
const mePayload = almost({
  id: idArb,
  agentId: idArb,
  agentName: trickyString,
  name: trickyString,
  claimed: fc.oneof(fc.boolean(), anyValue),
  description: trickyString,
  createdAt: timeArb,
})

// ── result checks ───────────────────────────────────────────────────────────────────────────────────────────────

function checkIssuedKey(result: { apiKey?: unknown; notice?: unknown }, where: string): void {
  const problem = credentialProblem(result.apiKey)
  if (problem) throw new Error(`${where} returned an API key that ${problem} — it can't be sent in a header; expected a typed error`)
}

function checkRegistered(result: Awaited<ReturnType<typeof registerAgent>>): void {
  checkIssuedKey(result, 'registerAgent()')
  if (typeof result.agentId !== 'string') throw new Error(`registerAgent() agentId is ${typeof result.agentId}`)
  expectFiniteOrUndefined(result.simulationBalance, 'registerAgent() simulationBalance')
}

function checkKeyList(result: Awaited<ReturnType<typeof listApiKeys>>): void {
  if (!Array.isArray(result)) throw new Error('listApiKeys() did not return an array')
  for (const key of result) {
    if (!['active', 'revoked', 'unknown'].includes(key.status)) throw new Error(`listApiKeys() status ${String(key.status)}`)
    expectFiniteOrUndefined(key.createdAt, 'listApiKeys() createdAt')
    expectFiniteOrUndefined(key.lastCalledAt, 'listApiKeys() lastCalledAt')
  }
}

function checkProfile(result: Awaited<ReturnType<typeof me>>): void {
  if (typeof result.agentId !== 'string') throw new Error(`me() agentId is ${typeof result.agentId}`)
  expectFiniteOrUndefined(result.createdAt, 'me() createdAt')
  if (result.claimed !== undefined && typeof result.claimed !== 'boolean') throw new Error(`me() claimed is ${typeof result.claimed}`)
}

// ── a loopback server whose next answer the property sets ──────────────────────────────────────────────────────

interface Answer {
  status: number
  body: string
  contentType?: string
}
let reply: (path: string, method: string) => Answer = () => ({ status: 404, body: '' })
const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    const answer = reply(new URL(req.url ?? '/', 'http://x').pathname, req.method ?? 'GET')
    res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' })
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

/** Engine options that keep one property run fast: no retries, no 429 waits, no background timer. */
const FAST = { retry: { maxRetries: 0 }, maxRateLimitWaitMs: 0, backgroundRefresh: false, requestId: false } as const

const statusArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(200) },
  { weight: 2, arbitrary: fc.constantFrom(201, 204, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503) },
)
const bodyOf = (payload: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: enveloped(payload).map((value) => ({ body: jsonText(value), contentType: 'application/json' })) },
    { weight: 1, arbitrary: trickyString.map((text) => ({ body: text, contentType: 'text/plain' })) },
    { weight: 1, arbitrary: enveloped(payload).map((value) => ({ body: jsonText(value).slice(0, 7), contentType: 'application/json' })) },
  )

// ── the properties ──────────────────────────────────────────────────────────────────────────────────────────────

describe('@authmux/bearer: parsers and header builders under arbitrary input', () => {
  it('createBearerAuth: any apiKey, header and scheme → ConfigError at construction, or exactly the credential header, visible ASCII', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 4, arbitrary: secretArb('KEYCANARY') }, { weight: 1, arbitrary: fc.anything() }),
        fc.option(fc.oneof(trickyString, fc.constantFrom('X-API-Key', 'Authorization')), { nil: undefined }),
        fc.option(fc.oneof(trickyString, fc.constant(null), fc.constantFrom('Bearer', 'Token')), { nil: undefined }),
        async (apiKey, header, scheme) => {
          const created = await settle(() => createBearerAuth({ apiKey: apiKey as string, baseURL: origin, header, scheme, ...FAST }))
          if (!created.ok) return expectTypedError(created.error, 'createBearerAuth()', secretsOf(apiKey))
          const auth = created.value
          const headers = await settle(() => auth.getHeaders({ url: '/x' }))
          if (!headers.ok) return expectTypedError(headers.error, 'getHeaders()', secretsOf(apiKey))
          const entries = Object.entries(headers.value)
          if (entries.length !== 1) throw new Error(`expected one credential header, got ${JSON.stringify(entries)}`)
          const [, value] = entries[0]!
          const problem = headerValueProblem(value) || credentialProblem(apiKey)
          if (problem) throw new Error(`the key was accepted and attached, but it ${problem}; expected a ConfigError naming apiKey`)
          const expected = scheme === null || scheme === '' ? apiKey : `${scheme ?? 'Bearer'} ${apiKey}`
          if (value !== expected) throw new Error(`the header carries ${JSON.stringify(value)}, not ${JSON.stringify(expected)}`)
        },
      ),
      RUNS,
    )
  })

  it('unwrapEnvelope: any JSON → the payload, or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(enveloped(fc.jsonValue()), fc.jsonValue(), anyValue.map(overTheWire)), async (body) => {
        // The strategy passes its key as a secret the provider may echo (the error skips the engine's redaction).
        const result = await settle(() => unwrapEnvelope(body, [KEY]))
        if (!result.ok) expectTypedError(result.error, 'unwrapEnvelope()')
      }),
      { numRuns: 300 },
    )
  })

  const answering = (body: unknown) => (async () => body) as unknown as Parameters<typeof me>[0]
  /** Each helper with the payload it expects, how to call it with a body, and what its valid result is. */
  interface Helper {
    name: string
    payload: fc.Arbitrary<unknown>
    call(body: unknown): Promise<unknown>
    check(result: unknown): void
    /** Secrets that must not show in its errors: the key it sends (registerAgent is public: it sends none). */
    secrets: string[]
  }
  const helpers: Helper[] = [
    {
      name: 'registerAgent',
      payload: registerPayload,
      call: (body) => registerAgent(answering(body), { name: 'bot' }),
      check: (r) => checkRegistered(r as Awaited<ReturnType<typeof registerAgent>>),
      secrets: [],
    },
    {
      name: 'createApiKey',
      payload: createKeyPayload,
      call: (body) => createApiKey(answering(body), 'k', [KEY]),
      check: (r) => checkIssuedKey(r as { apiKey?: unknown }, 'createApiKey()'),
      secrets: [KEY],
    },
    {
      name: 'listApiKeys',
      payload: listPayload,
      call: (body) => listApiKeys(answering(body), [KEY]),
      check: (r) => checkKeyList(r as Awaited<ReturnType<typeof listApiKeys>>),
      secrets: [KEY],
    },
    {
      name: 'me',
      payload: mePayload,
      call: (body) => me(answering(body), [KEY]),
      check: (r) => checkProfile(r as Awaited<ReturnType<typeof me>>),
      secrets: [KEY],
    },
  ]
  for (const helper of helpers) {
    it(`${helper.name}(): any response body → a typed error or a valid result (usable key, finite times)`, async () => {
      await fc.assert(
        fc.asyncProperty(enveloped(helper.payload).map(overTheWire), async (body) => {
          const result = await settle(() => helper.call(body))
          if (result.ok) helper.check(result.value)
          else expectTypedError(result.error, `${helper.name}()`, helper.secrets)
        }),
        { numRuns: 200 },
      )
    })
  }

  it('AionMarket over HTTP: any status and body for /agents/me, /agents/api-key/list, /agents/create-api-key → a typed error or a valid result', async () => {
    const auth = createAionMarketAuth({ apiKey: KEY, baseURL: `${origin}/bvapi`, store: new MemoryTokenStore(), ...FAST })
    await fc.assert(
      fc.asyncProperty(
        statusArb,
        fc.constantFrom('me', 'list', 'create'),
        fc.constantFrom(mePayload, listPayload, createKeyPayload).chain((payload) => bodyOf(payload)),
        async (status, helper, answer) => {
          reply = () => ({ status, ...answer })
          const result = await settle<unknown>(() => (helper === 'me' ? auth.me() : helper === 'list' ? auth.listApiKeys() : auth.createApiKey('k')))
          if (!result.ok) return expectTypedError(result.error, `HTTP ${status} → ${helper}()`)
          if (helper === 'me') checkProfile(result.value as Awaited<ReturnType<typeof me>>)
          else if (helper === 'list') checkKeyList(result.value as Awaited<ReturnType<typeof listApiKeys>>)
          else checkIssuedKey(result.value as { apiKey?: unknown }, 'createApiKey()')
        },
      ),
      {
        numRuns: 120,
        // Hostile answers seen before, always tried first: the key echoed in the message, and in the code field.
        examples: [
          [200, 'me', { body: jsonText({ code: 500, data: {}, msg: `invalid api key ${KEY}` }), contentType: 'application/json' }],
          [200, 'create', { body: jsonText({ code: KEY, data: {} }), contentType: 'application/json' }],
          [200, 'list', { body: jsonText({ success: false, data: [], message: `invalid api key ${KEY}` }), contentType: 'application/json' }],
        ],
      },
    )
    auth.dispose()
  })

  it('key ring rotate(): whatever key the server hands out, rotation fails typed or every later request carries a visible-ASCII key', async () => {
    await fc.assert(
      fc.asyncProperty(secretArb('NEWKEYCANARY'), async (issued) => {
        reply = (path) =>
          path.endsWith('/agents/create-api-key')
            ? { status: 200, body: jsonText({ code: 0, data: { id: 7, keyName: 'n', apiKeyCode: issued } }) }
            : { status: 404, body: '{}' }
        const ring = createKeyRing({ trading: KEY }, { baseURL: `${origin}/bvapi`, store: new MemoryTokenStore(), ...FAST })
        try {
          const rotated = await settle(() => ring.rotate('trading'))
          if (!rotated.ok) return expectTypedError(rotated.error, 'rotate()', secretsOf(KEY, issued))
          const headers = await settle(() => ring.get('trading').getHeaders({ url: '/agents/me' }))
          if (!headers.ok) return expectTypedError(headers.error, 'getHeaders() after rotate()', secretsOf(KEY, issued))
          const problem = headerValueProblem(headers.value.authorization ?? '') || credentialProblem(issued)
          if (problem) throw new Error(`rotate() switched to a key that ${problem}; expected a typed error and the old key kept`)
        } finally {
          ring.dispose()
        }
      }),
      RUNS,
    )
  })

  it('toEpochMs: any timestamp → undefined or a finite epoch', () => {
    fc.assert(
      fc.property(fc.oneof(trickyString, trickyNumber, fc.constant(null), fc.constant(undefined)), (value) => {
        expectFiniteOrUndefined(toEpochMs(value as string), `toEpochMs(${String(value)})`)
      }),
      { numRuns: 300 },
    )
  })

  it('verifyWebhookSignature: any signature header and payload resolves to a boolean; the right signature, in any accepted spelling, is true', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(trickyString, fc.uint8Array({ maxLength: 64 })),
        fc.oneof(trickyString, fc.constant(null), fc.constant(undefined), fc.anything()),
        trickyString.filter((s) => s !== ''),
        fc.constantFrom('', 'sha256=', 'SHA256='),
        fc.boolean(),
        async (payload, signature, secret, prefix, upper) => {
          const verdict = await settle(() => verifyWebhookSignature({ payload, signature: signature as string, secret }))
          if (!verdict.ok) throw new Error(`verifyWebhookSignature threw on attacker-controlled input: ${describeError(verdict.error)}`)
          if (typeof verdict.value !== 'boolean') throw new Error(`verifyWebhookSignature resolved ${String(verdict.value)}`)
          const hex = await computeWebhookSignature(payload, secret)
          const good = ` ${prefix}${upper ? hex.toUpperCase() : hex} `
          if (!(await verifyWebhookSignature({ payload, signature: good, secret }))) throw new Error(`the right signature ${JSON.stringify(good)} was refused`)
        },
      ),
      RUNS,
    )
  })
})
