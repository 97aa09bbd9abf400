import { type AuthError, createSession, readEnv, type OutgoingRequest, type Session, type TokenSet } from '@authmux/core'
import { BearerFlow } from '../flow'
import { aionMarketError } from './envelope'
import { checkApiKey, checkBaseURL } from '../validate'
import { createApiKey, listApiKeys, me, registerAgent, type AgentProfile, type ApiKeyInfo, type CreatedApiKey, type RegisteredAgent } from './management'
import { AIONMARKET, AIONMARKET_DEFAULT_BASE_URL, AIONMARKET_KEY_ENV, type AionMarketAuthOptions } from './options'

/** One AionMarket strategy's flow: key, base URL and request-header options; methods and constants on the prototype. */
class AionMarketFlow extends BearerFlow {
  declare readonly userAgent: string | undefined
  declare readonly requestId: boolean | (() => string)
  #basePath: string | undefined

  /** Adds `User-Agent` and a fresh `X-Request-ID` (non-credential headers) to every request, then the key. */
  override apply(tokens: TokenSet | undefined, request: OutgoingRequest): void {
    const { userAgent, requestId } = this
    if (userAgent) request.headers.set('User-Agent', userAgent)
    if (requestId) request.headers.set('X-Request-ID', requestId === true ? crypto.randomUUID() : requestId())
    super.apply(tokens, request)
  }

  /** Agent registration and claim lookups are public: they go out without the key. */
  /**
   * Every non-2xx answer (the management helpers' and the user's own `fetch` calls alike) as a typed error: 401 the
   * "key invalid or revoked" error, 429 left to the engine's `RateLimitError`, others a `ProviderError` quoting
   * AionMarket's message and code.
   */
  override toError(response: { status: number; data: unknown }): AuthError | undefined {
    const { status, data } = response
    if (status === 429) return undefined
    return super.toError(response) ?? aionMarketError(`HTTP ${status}`, data, (data as { code?: unknown } | null)?.code, status)
  }

  needsToken({ url, method }: { url: URL; method: string }): boolean {
    this.#basePath ??= new URL(this.baseURL).pathname.replace(/\/+$/, '')
    const path = url.pathname.slice(this.#basePath.length)
    return !((method === 'POST' && path === '/agents/register') || (method === 'GET' && path.startsWith('/agents/claim/')))
  }
}
Object.assign(AionMarketFlow.prototype, {
  name: AIONMARKET,
  header: 'Authorization',
  scheme: 'Bearer',
  envName: AIONMARKET_KEY_ENV,
})

/** The AionMarket strategy: an `AuthStrategy` plus the agent and key management helpers. */
export interface AionMarketAuth extends Session {
  /**
   * Registers a new agent (`POST /agents/register`, the one public endpoint — no key needed). Returns the agent's
   * API key **once**: store it now. `name` is at most 100 characters, `description` at most 500.
   */
  registerAgent(input: { name: string; description?: string }): Promise<RegisteredAgent>
  /** Creates another API key for this agent (`POST /agents/create-api-key`). The new key is returned once. */
  createApiKey(keyName: string): Promise<CreatedApiKey>
  /** Lists this agent's API keys (`GET /agents/api-key/list`) — fingerprints and status, never the key values. */
  listApiKeys(): Promise<ApiKeyInfo[]>
  /** The agent behind the key (`GET /agents/me`). Throws `KeyRejectedError` when the key is invalid or revoked. */
  me(): Promise<AgentProfile>
}

/** Internal handle used by the key ring: the strategy plus its flow, whose `key` the ring switches on rotation. */
export interface AionMarketHandle {
  auth: AionMarketAuth
  /** The key every request that starts from now on uses. */
  flow: { key: string | undefined }
}

/**
 * Builds the strategy; the flow stays internal (only the key ring switches its key). `keyFromEnv: false` (the key
 * ring) ignores `AIONMARKET_API_KEY`.
 */
export function buildAionMarketAuth(options: AionMarketAuthOptions = {}, keyFromEnv = true): AionMarketHandle {
  const { apiKey: rawKey, baseURL: rawBase, userAgent, requestId = true, ...session } = options
  const envKey = keyFromEnv ? readEnv(AIONMARKET_KEY_ENV) : undefined
  const flow = Object.assign(new AionMarketFlow(), {
    key: checkApiKey(rawKey ?? envKey, AIONMARKET, AIONMARKET_KEY_ENV),
    baseURL: checkBaseURL(
      rawBase ?? readEnv('AIONMARKET_BASE_URL') ?? AIONMARKET_DEFAULT_BASE_URL,
      AIONMARKET,
      session.allowInsecureHttp,
      'AIONMARKET_BASE_URL',
    ),
    userAgent,
    requestId,
  })
  const strategy = createSession(flow, session)
  const helpers = { registerAgent, createApiKey, listApiKeys, me }
  // Non-enumerable (like the session's own methods), read-only, but configurable.
  for (const [name, helper] of Object.entries(helpers)) {
    Object.defineProperty(strategy, name, { value: (input?: never) => helper(strategy.fetch, input as never), configurable: true })
  }
  return { auth: strategy as AionMarketAuth, flow }
}

/**
 * AionMarket agent API auth: `Authorization: Bearer <apiKeyCode>` on every request to `baseURL`, an optional
 * `User-Agent`, a fresh `X-Request-ID` per request, and the agent/key management helpers. A 401 throws
 * `KeyRejectedError` (key invalid or revoked — never replayed); a 429 waits `Retry-After` (engine).
 */
export function createAionMarketAuth(options: AionMarketAuthOptions = {}): AionMarketAuth {
  return buildAionMarketAuth(options).auth
}
