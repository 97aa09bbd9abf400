import { ConfigError } from '@authmux/core'
import { createSharedState, listen, type EmulatorHandle, type StartOptions } from '../emulator.js'
import type { EmulatorRequest, EmulatorResponse, ProviderDefinition } from '../http-types.js'
import { createIds, urlSafeToken, uuid } from '../ids.js'
import { createSigningKey, signJwt, toSeconds, verifyJwt } from '../jwt.js'
import { RateLimiter, type RateDecision, type RateLimit } from '../rate-limiter.js'
import { Router, json } from '../router.js'
import type { SharedControls } from '../server.js'
import { createTradeReadyStreams, type TradeReadyKeyCheck, type TradeReadyStreamOptions, type TradeReadyStreams } from '../streams/tradeready.js'
import { TokenRegistry } from '../token-registry.js'

/** Options of the TradeReady emulator. */
export interface TradeReadyEmulatorOptions {
  /** JWT lifetime in seconds (default 3600 = the backend's `jwt_expiry_hours` default of 1 h). */
  accessSeconds?: number
  /** `/auth/login` + `/auth/user-login` limit per IP, shared group (default 5 per 60 s). */
  loginRateLimit?: RateLimit
  /** `/auth/register` limit per IP (default 3 per 60 s). */
  registerRateLimit?: RateLimit
  /** Accounts to create instead of the demo account. */
  accounts?: TradeReadyAccountInput[]
  /** The WebSocket at `/ws/v1`: heartbeat, ticker and subscription-limit settings. */
  streams?: TradeReadyStreamOptions
}

/** Input for a new account. */
export interface TradeReadyAccountInput {
  displayName?: string
  email?: string
  password?: string
  /** Decimal string (default "10000.00"). */
  startingBalance?: string
  suspended?: boolean
}

/** Credentials of an account and its default agent. */
export interface TradeReadyCredentials {
  accountId: string
  /** Account API key (`ak_live_…`) for `/auth/login` and `X-API-Key`. */
  apiKey: string
  /** Account API secret (`sk_live_…`). */
  apiSecret: string
  displayName: string
  /** Email/password for `/auth/user-login` (when the account has them). */
  email?: string
  password?: string
  /** The default agent's id (for `X-Agent-Id`). */
  agentId: string
  /** The default agent's own API key (`X-API-Key`). */
  agentApiKey: string
}

/** TradeReady-specific controls. */
export interface TradeReadyControls {
  addAccount(input?: TradeReadyAccountInput): TradeReadyCredentials
  /** Suspend (or reactivate) an account, by id or API key: its logins and requests get 403 ACCOUNT_SUSPENDED. */
  suspendAccount(accountIdOrApiKey: string, suspended?: boolean): void
  /** Add an agent to an account. */
  addAgent(accountId: string, name?: string): { agentId: string; agentApiKey: string }
  /** Archive an agent: its API key then gets 401 "Agent is archived.". */
  archiveAgent(agentId: string): void
  /** Change the JWT lifetime (seconds) for tokens issued from now on. */
  setAccessSeconds(seconds: number): void
  /** Forget every rate-limit window. */
  resetRateLimits(): void
  /** Revoke one JWT. */
  revokeToken(token: string): void
  /** Revoke every JWT issued so far. */
  revokeAllTokens(): void
  /** The WebSocket `GET /ws/v1?api_key=…`: its URL, log, pushes and faults. */
  streams: TradeReadyStreams
}

interface Agent {
  agentId: string
  accountId: string
  name: string
  apiKey: string
  archived: boolean
  createdAt: string
}
interface Account {
  accountId: string
  apiKey: string
  apiSecret: string
  displayName: string
  email?: string
  password?: string
  startingBalance: string
  suspended: boolean
  agents: Agent[]
  createdAt: string
}

type Auth = { account: Account; agent: Agent | null; via: 'x-api-key' | 'bearer' }

const envelope = (status: number, code: string, message: string, details?: Record<string, unknown>, headers?: Record<string, string>): EmulatorResponse =>
  json(status, { error: { code, message, ...(details ? { details } : {}) } }, headers)

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Build the TradeReady emulator (not yet listening). */
export function createTradeReadyEmulator(
  shared: SharedControls,
  options: TradeReadyEmulatorOptions = {},
): { definition: ProviderDefinition; credentials: TradeReadyCredentials; controls: TradeReadyControls } {
  const { clock } = shared
  const ids = createIds(shared.seed, 'tradeready')
  const base = '/api/v1'
  const key = createSigningKey()
  const tokens = new TokenRegistry()
  const limiter = new RateLimiter(() => clock.now())
  const accounts = new Map<string, Account>()
  const resetTokens = new Map<string, { accountId: string; expiresAtMs: number }>()
  let accessSeconds = options.accessSeconds ?? 3600
  const loginLimit = options.loginRateLimit ?? { limit: 5, windowSeconds: 60 }
  const registerLimit = options.registerRateLimit ?? { limit: 3, windowSeconds: 60 }
  const nowIso = () => new Date(clock.now()).toISOString()
  const decisions = new WeakMap<EmulatorRequest, RateDecision>()
  const tierFor = (path: string): { group: string; rule: RateLimit } =>
    path.startsWith(`${base}/trade/`)
      ? { group: 'orders', rule: { limit: 100, windowSeconds: 60 } }
      : path.startsWith(`${base}/market/`)
        ? { group: 'market_data', rule: { limit: 1200, windowSeconds: 60 } }
        : { group: 'general', rule: { limit: 600, windowSeconds: 60 } }
  const suspended = (account: { accountId: string }) => envelope(403, 'ACCOUNT_SUSPENDED', 'Account is suspended.', { account_id: account.accountId })

  function newAgent(account: Account, name: string): Agent {
    const agent: Agent = {
      agentId: ids.uuid(),
      accountId: account.accountId,
      name,
      apiKey: `ak_live_${ids.urlSafeToken(48)}`,
      archived: false,
      createdAt: nowIso(),
    }
    account.agents.push(agent)
    return agent
  }

  function createAccount(input: TradeReadyAccountInput = {}): Account {
    const account: Account = {
      accountId: ids.uuid(),
      apiKey: `ak_live_${ids.urlSafeToken(48)}`,
      apiSecret: `sk_live_${ids.urlSafeToken(48)}`,
      displayName: input.displayName || 'Agent',
      ...(input.email ? { email: input.email } : {}),
      ...(input.password ? { password: input.password } : {}),
      startingBalance: input.startingBalance ?? '10000.00',
      suspended: input.suspended ?? false,
      agents: [],
      createdAt: nowIso(),
    }
    accounts.set(account.accountId, account)
    newAgent(account, account.displayName)
    return account
  }
  const credentialsOf = (a: Account): TradeReadyCredentials => ({
    accountId: a.accountId,
    apiKey: a.apiKey,
    apiSecret: a.apiSecret,
    displayName: a.displayName,
    ...(a.email ? { email: a.email } : {}),
    ...(a.password ? { password: a.password } : {}),
    agentId: a.agents[0]?.agentId ?? '',
    agentApiKey: a.agents[0]?.apiKey ?? '',
  })

  const seeded = (options.accounts ?? [{ displayName: 'demo-bot', email: 'demo@tradeready.test', password: 'tradeready-demo-pw' }]).map(createAccount)
  const first = seeded[0]
  if (!first) throw new ConfigError('@authmux/testkit: tradeready.accounts must contain at least one account.', { provider: 'tradeready', field: 'accounts' })

  const findByKey = (apiKey: string) => [...accounts.values()].find((a) => a.apiKey === apiKey)
  const findAgentByKey = (apiKey: string) => {
    for (const a of accounts.values()) for (const g of a.agents) if (g.apiKey === apiKey) return { account: a, agent: g }
    return undefined
  }

  async function issueToken(account: Account): Promise<EmulatorResponse> {
    const iat = toSeconds(clock.now())
    const exp = iat + accessSeconds
    const token = tokens.issue(await signJwt(key, { sub: account.accountId, iat, exp }))
    return json(200, { token, expires_at: new Date(exp * 1000).toISOString().replace('.000Z', 'Z'), token_type: 'Bearer' })
  }

  // ---- validation (pydantic-like, strings whitespace-stripped) ----
  type FieldError = { field: string; message: string; type?: string }
  /**
   * 422 body: the platform envelope (`error.code = VALIDATION_ERROR`) plus FastAPI's default `detail` list, which is
   * what the stored backend answers for pydantic errors (it registers no RequestValidationError handler). The
   * offending input is never echoed back.
   */
  const validationError = (errors: FieldError[]) =>
    json(422, {
      error: { code: 'VALIDATION_ERROR', message: 'Request validation failed.', details: { errors: errors.map(({ field, message }) => ({ field, message })) } },
      detail: errors.map((e) => ({ type: e.type ?? 'value_error', loc: ['body', e.field], msg: e.message })),
    })
  const readBody = (req: EmulatorRequest): Record<string, unknown> | undefined =>
    !req.bodyInvalid && req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : undefined
  function str(
    body: Record<string, unknown>,
    field: string,
    rules: { required?: boolean; min?: number; max?: number; email?: boolean },
    errors: FieldError[],
  ): string | undefined {
    const raw = body[field]
    if (raw === undefined || raw === null) {
      if (rules.required) errors.push({ field, message: 'Field required', type: 'missing' })
      return undefined
    }
    if (typeof raw !== 'string') {
      errors.push({ field, message: 'Input should be a valid string', type: 'string_type' })
      return undefined
    }
    const value = raw.trim()
    if (rules.min !== undefined && value.length < rules.min)
      errors.push({ field, message: `String should have at least ${rules.min} character${rules.min === 1 ? '' : 's'}`, type: 'string_too_short' })
    else if (rules.max !== undefined && value.length > rules.max)
      errors.push({ field, message: `String should have at most ${rules.max} characters`, type: 'string_too_long' })
    else if (rules.email && !EMAIL.test(value)) errors.push({ field, message: 'value is not a valid email address' })
    return value
  }

  // ---- authentication middleware (X-API-Key first, then Bearer) ----
  async function authenticate(req: EmulatorRequest, jwtOnly = false): Promise<Auth | EmulatorResponse> {
    const apiKey = req.headers['x-api-key']?.trim()
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim()
    let auth: Auth
    if (apiKey && !jwtOnly) {
      const viaAgent = findAgentByKey(apiKey)
      const account = viaAgent?.account ?? findByKey(apiKey)
      if (!account) return envelope(401, 'INVALID_API_KEY', 'Invalid API key.')
      if (account.suspended) return suspended(account)
      if (viaAgent?.agent.archived) return envelope(401, 'INVALID_API_KEY', 'Agent is archived.')
      auth = { account, agent: viaAgent?.agent ?? null, via: 'x-api-key' }
    } else if (bearer) {
      const result = await verifyJwt(key, bearer, clock.now())
      if (!result.ok) return envelope(401, 'INVALID_TOKEN', result.reason === 'expired' ? 'JWT token has expired.' : `JWT token is invalid: ${result.detail}.`)
      if (tokens.isRevoked(bearer)) return envelope(401, 'INVALID_TOKEN', 'JWT token is invalid: token revoked.')
      const account = typeof result.payload.sub === 'string' ? accounts.get(result.payload.sub) : undefined
      if (!account) return envelope(401, 'INVALID_API_KEY', `Account '${String(result.payload.sub)}' referenced by token no longer exists.`)
      if (account.suspended) return suspended(account)
      auth = { account, agent: null, via: 'bearer' }
    } else if (jwtOnly) {
      return envelope(401, 'INVALID_TOKEN', 'This endpoint requires a JWT: send Authorization: Bearer <token> (X-API-Key is not accepted here).')
    } else {
      return envelope(401, 'INVALID_API_KEY', 'Authentication credentials are required.')
    }
    // An agent key already names its agent (X-Agent-Id is then ignored); otherwise X-Agent-Id must be an agent of
    // the authenticated account (anti-spoofing).
    const agentHeader = req.headers['x-agent-id']?.trim()
    if (agentHeader && !auth.agent) {
      const agent = UUID.test(agentHeader) ? auth.account.agents.find((g) => g.agentId === agentHeader.toLowerCase()) : undefined
      if (!agent) return envelope(403, 'PERMISSION_DENIED', 'The agent in X-Agent-Id does not belong to this account.')
      auth.agent = agent
    }
    req.credential = auth.via
    // per-account rate limit, counted only once the request is authenticated (as the backend's middleware order does)
    const tier = tierFor(req.path)
    const decision = limiter.hit(`${tier.group}:${auth.account.apiKey}`, tier.rule)
    decisions.set(req, decision)
    if (!decision.allowed) return rateLimited(decision, tier.rule)
    return auth
  }
  const isResponse = (x: unknown): x is EmulatorResponse => typeof x === 'object' && x !== null && 'status' in x && !('account' in x)

  const router = new Router()
    .on('POST', `${base}/auth/register`, (req) => {
      const body = readBody(req)
      if (!body) return validationError([{ field: 'body', message: 'Input should be a valid JSON object' }])
      const errors: FieldError[] = []
      const displayName = str(body, 'display_name', { max: 100 }, errors)
      const email = str(body, 'email', { email: true }, errors)
      const password = str(body, 'password', { min: 8, max: 72 }, errors)
      let startingBalance = '10000.00'
      const rawBalance = body.starting_balance
      if (rawBalance !== undefined && rawBalance !== null) {
        const n =
          typeof rawBalance === 'number' ? rawBalance : typeof rawBalance === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(rawBalance) ? Number(rawBalance) : NaN
        if (!(n > 0)) errors.push({ field: 'starting_balance', message: 'Input should be greater than 0', type: 'greater_than' })
        else startingBalance = n.toFixed(2)
      }
      if (errors.length) return validationError(errors)
      if (email && [...accounts.values()].some((a) => a.email?.toLowerCase() === email.toLowerCase())) {
        return envelope(409, 'DUPLICATE_ACCOUNT', `An account with email '${email}' already exists.`, { email })
      }
      const account = createAccount({ displayName: displayName || 'Agent', ...(email ? { email } : {}), ...(password ? { password } : {}), startingBalance })
      const agent = account.agents[0]
      req.credential = 'body'
      return json(201, {
        account_id: account.accountId,
        api_key: account.apiKey,
        api_secret: account.apiSecret,
        display_name: account.displayName,
        starting_balance: account.startingBalance,
        agent_id: agent?.agentId ?? null,
        agent_api_key: agent?.apiKey ?? null,
        message: 'Save your API secret now. It will not be shown again.',
      })
    })
    .on('POST', `${base}/auth/login`, async (req) => {
      req.credential = 'body'
      const body = readBody(req)
      if (!body) return validationError([{ field: 'body', message: 'Input should be a valid JSON object' }])
      const errors: FieldError[] = []
      const apiKey = str(body, 'api_key', { required: true, min: 1 }, errors)
      const apiSecret = str(body, 'api_secret', { required: true, min: 1 }, errors)
      if (errors.length || !apiKey || !apiSecret) return validationError(errors)
      const account = findByKey(apiKey)
      if (!account) return envelope(401, 'INVALID_API_KEY', 'Invalid API key.')
      // the backend checks the account status together with the key, before verifying the secret
      if (account.suspended) return suspended(account)
      if (account.apiSecret !== apiSecret) return envelope(401, 'INVALID_API_KEY', 'API secret is invalid.')
      return issueToken(account)
    })
    .on('POST', `${base}/auth/user-login`, async (req) => {
      req.credential = 'body'
      const body = readBody(req)
      if (!body) return validationError([{ field: 'body', message: 'Input should be a valid JSON object' }])
      const errors: FieldError[] = []
      const email = str(body, 'email', { required: true, email: true }, errors)
      const password = str(body, 'password', { required: true, min: 8, max: 72 }, errors)
      if (errors.length || !email || !password) return validationError(errors)
      const account = [...accounts.values()].find((a) => a.email?.toLowerCase() === email.toLowerCase())
      if (!account || account.password !== password) return envelope(401, 'INVALID_API_KEY', 'Invalid email or password.')
      if (account.suspended) return suspended(account)
      return issueToken(account)
    })
    .on('POST', `${base}/auth/forgot-password`, (req) => {
      const body = readBody(req)
      const errors: FieldError[] = []
      const username = body ? str(body, 'username', { required: true, min: 1 }, errors) : undefined
      if (!body || errors.length || !username) return validationError(errors.length ? errors : [{ field: 'username', message: 'Field required' }])
      const account = [...accounts.values()].find((a) => a.email?.toLowerCase() === username.toLowerCase() || a.displayName === username)
      if (account) resetTokens.set(urlSafeToken(32), { accountId: account.accountId, expiresAtMs: clock.now() + 3600_000 })
      return json(200, { message: 'If an account with that username or email exists, a password reset link has been sent.' })
    })
    .on('POST', `${base}/auth/reset-password`, (req) => {
      const body = readBody(req)
      const errors: FieldError[] = []
      const token = body ? str(body, 'token', { required: true, min: 1 }, errors) : undefined
      const password = body ? str(body, 'new_password', { required: true, min: 8, max: 72 }, errors) : undefined
      if (!body || errors.length || !token || !password)
        return validationError(errors.length ? errors : [{ field: 'body', message: 'Input should be a valid JSON object' }])
      const entry = resetTokens.get(token)
      const account = entry && entry.expiresAtMs > clock.now() ? accounts.get(entry.accountId) : undefined
      if (!account) return envelope(400, 'INVALID_TOKEN', 'Reset token is invalid or has expired.')
      resetTokens.delete(token)
      account.password = password
      return json(200, { message: 'Password has been reset.' })
    })
    .on('POST', `${base}/auth/verify-email`, (req) => {
      const body = readBody(req)
      const errors: FieldError[] = []
      const token = body ? str(body, 'token', { required: true, min: 1 }, errors) : undefined
      if (!body || errors.length || !token) return validationError(errors.length ? errors : [{ field: 'token', message: 'Field required' }])
      return envelope(400, 'INVALID_TOKEN', 'Verification token is invalid or has expired.')
    })
    .on('GET', `${base}/account/info`, async (req) => {
      const auth = await authenticate(req)
      if (isResponse(auth)) return auth
      const a = auth.account
      return json(200, {
        account_id: a.accountId,
        display_name: a.displayName,
        status: a.suspended ? 'suspended' : 'active',
        starting_balance: a.startingBalance,
        agent_id: auth.agent?.agentId ?? null,
        created_at: a.createdAt,
        authenticatedWith: auth.via,
      })
    })
    .on('GET', `${base}/agents`, async (req) => {
      const auth = await authenticate(req, true)
      if (isResponse(auth)) return auth
      const agents = auth.account.agents.map((g) => ({
        agent_id: g.agentId,
        name: g.name,
        status: g.archived ? 'archived' : 'active',
        api_key_preview: `${g.apiKey.slice(0, 12)}…`,
        created_at: g.createdAt,
      }))
      return json(200, { agents, total: agents.length, authenticatedWith: 'bearer' })
    })
    .on('POST', `${base}/trade/order`, async (req) => {
      const auth = await authenticate(req)
      if (isResponse(auth)) return auth
      const body = readBody(req)
      const errors: FieldError[] = []
      if (!body) return validationError([{ field: 'body', message: 'Input should be a valid JSON object' }])
      const symbol = str(body, 'symbol', { required: true, min: 1 }, errors)
      const side = str(body, 'side', { required: true }, errors)
      const type = str(body, 'type', { required: true }, errors) ?? 'market'
      if (side && side !== 'buy' && side !== 'sell') errors.push({ field: 'side', message: "Input should be 'buy' or 'sell'" })
      if (type !== 'market' && type !== 'limit') errors.push({ field: 'type', message: "Input should be 'market' or 'limit'" })
      const quantity = Number(body.quantity)
      if (!(quantity > 0)) errors.push({ field: 'quantity', message: 'Input should be greater than 0' })
      if (errors.length) return validationError(errors)
      return json(201, {
        order_id: uuid(),
        status: type === 'market' ? 'filled' : 'pending',
        symbol,
        side,
        type,
        quantity: String(body.quantity),
        price: body.price === undefined ? null : String(body.price),
        agent_id: (auth.agent ?? auth.account.agents[0])?.agentId ?? null,
        created_at: nowIso(),
        authenticatedWith: auth.via,
      })
    })
    .on('GET', `${base}/market/prices`, () => json(200, { prices: { BTCUSDT: '65000.00', ETHUSDT: '3200.00' }, timestamp: nowIso() }))

  /** Per-IP limit of the auth endpoints (login + user-login share one group). */
  function authLimitFor(req: EmulatorRequest): { key: string; rule: RateLimit } | undefined {
    const p = req.path
    if (p === `${base}/auth/login` || p === `${base}/auth/user-login`) return { key: `auth_login:${req.ip}`, rule: loginLimit }
    if (p === `${base}/auth/register`) return { key: `auth_register:${req.ip}`, rule: registerLimit }
    return undefined
  }
  const rateHeaders = (d: RateDecision) => ({
    'x-ratelimit-limit': String(d.limit),
    'x-ratelimit-remaining': String(d.remaining),
    'x-ratelimit-reset': String(Math.ceil(d.resetAtMs / 1000)),
  })

  function rateLimited(decision: RateDecision, rule: RateLimit): EmulatorResponse {
    return envelope(
      429,
      'RATE_LIMIT_EXCEEDED',
      'Too many requests.',
      { limit: decision.limit, window_seconds: rule.windowSeconds, retry_after_seconds: decision.retryAfterSeconds },
      { ...rateHeaders(decision), 'retry-after': String(decision.retryAfterSeconds) },
    )
  }

  /** The WebSocket looks the key up in the agents, then in the accounts (legacy keys); no JWT, no headers. */
  function checkStreamKey(apiKey: string): TradeReadyKeyCheck {
    const viaAgent = findAgentByKey(apiKey)
    const account = viaAgent?.account ?? findByKey(apiKey)
    if (!account) return { ok: false, state: 'invalid', reason: 'unknown api_key' }
    if (viaAgent?.agent.archived) return { ok: false, state: 'revoked', reason: 'agent is archived' }
    if (account.suspended) return { ok: false, state: 'revoked', reason: 'account is not active' }
    return { ok: true }
  }

  const faultBody = (status: number) =>
    status === 401
      ? { error: { code: 'INVALID_TOKEN', message: 'JWT token is invalid.' } }
      : status === 429
        ? { error: { code: 'RATE_LIMIT_EXCEEDED', message: 'Too many requests.' } }
        : { error: { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred.' } }
  const streams = createTradeReadyStreams(shared, options.streams ?? {}, { checkKey: checkStreamKey, faultBody })

  const definition: ProviderDefinition = {
    name: 'tradeready',
    basePath: base,
    kindOf(_method, path) {
      return path === `${base}/auth/login` || path === `${base}/auth/user-login` ? 'login' : 'other'
    },
    async handle(req) {
      if (req.method === 'OPTIONS')
        return {
          status: 204,
          headers: { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'authorization, content-type, x-api-key, x-agent-id' },
        }
      const limit = authLimitFor(req)
      if (limit) {
        const decision = limiter.hit(limit.key, limit.rule)
        decisions.set(req, decision)
        if (!decision.allowed) return rateLimited(decision, limit.rule)
      }
      const handler = router.match(req)
      let response: EmulatorResponse
      if (handler === 'method-not-allowed') response = envelope(405, 'METHOD_NOT_ALLOWED', 'Method Not Allowed')
      else if (!handler) response = envelope(404, 'NOT_FOUND', 'Not Found')
      else response = await handler(req)
      const decision = decisions.get(req)
      if (decision) response.headers = { ...rateHeaders(decision), ...response.headers }
      return response
    },
    faultBody,
    streams: streams.listener,
  }

  const find = (idOrKey: string) => accounts.get(idOrKey) ?? findByKey(idOrKey)
  const controls: TradeReadyControls = {
    addAccount: (input) => credentialsOf(createAccount(input)),
    suspendAccount(idOrKey, suspended = true) {
      const account = find(idOrKey)
      if (!account)
        throw new ConfigError(
          '@authmux/testkit: tradeready.suspendAccount() — unknown account id or API key; use credentials.accountId or an id from addAccount().',
          { provider: 'tradeready', field: 'accountIdOrApiKey' },
        )
      account.suspended = suspended
    },
    addAgent(accountId, name = 'agent') {
      const account = accounts.get(accountId)
      if (!account)
        throw new ConfigError('@authmux/testkit: tradeready.addAgent(accountId) — unknown accountId; use credentials.accountId or an id from addAccount().', {
          provider: 'tradeready',
          field: 'accountId',
        })
      const agent = newAgent(account, name)
      return { agentId: agent.agentId, agentApiKey: agent.apiKey }
    },
    archiveAgent(agentId) {
      for (const a of accounts.values()) for (const g of a.agents) if (g.agentId === agentId) g.archived = true
    },
    setAccessSeconds(seconds) {
      accessSeconds = seconds
    },
    resetRateLimits: () => limiter.reset(),
    revokeToken: (token) => void tokens.revoke(token),
    revokeAllTokens: () => void tokens.revokeAll(),
    streams: streams.controls,
  }
  return { definition, credentials: credentialsOf(first), controls }
}

/** A running TradeReady emulator. `url` ends in `/api/v1`. */
export type TradeReadyEmulator = EmulatorHandle<TradeReadyCredentials> & TradeReadyControls

/** Start the TradeReady emulator on its own origin (`url` = `http://127.0.0.1:PORT/api/v1`). */
export async function startTradeReadyEmulator(options: StartOptions & TradeReadyEmulatorOptions = {}): Promise<TradeReadyEmulator> {
  const shared = createSharedState(options)
  return listen('tradeready', shared, createTradeReadyEmulator(shared, options), options)
}
