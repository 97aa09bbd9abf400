import type { AuthError } from '@authmux/core'
import { defineFlow, type FlowSpec, isEndpoint, pathBelow } from '@authmux/core/provider'
import { type KeyFields, keyFlowSpec } from '../flow'
import { aionMarketError } from './envelope'
import { AIONMARKET_KEY_ENV, AIONMARKET_KEY_SOURCE } from './options'

/** What one AionMarket strategy holds: the key fields plus its request-header options. */
export interface AionMarketFields extends KeyFields {
  /** `User-Agent` added to every request, when set. */
  readonly userAgent: string | undefined
  /** `X-Request-ID` per request: a fresh UUID (`true`), the function's id, or none (`false`). */
  readonly requestId: boolean | (() => string)
}

/** How a user gets a key when the strategy has none, appended to the engine's signed-out error (session-only mode). */
export const AIONMARKET_LOGIN_HINT = `Pass { apiKey } or set ${AIONMARKET_KEY_ENV} (registerAgent() or the AionMarket dashboard issues keys), or save one under this storeKey with \`authmux login aionmarket --api-key-stdin --save-key\`.`

const keyFlow = keyFlowSpec<AionMarketFields>({
  ...AIONMARKET_KEY_SOURCE,
  header: 'Authorization',
  scheme: 'Bearer',
  missingHint: 'Or pass { storeKey } to use a key saved in the store. registerAgent() needs no key.',
})

/**
 * The AionMarket flow: the static-key flow plus `User-Agent` and a fresh `X-Request-ID` on every request, two public
 * routes that go out without the key, and AionMarket's error answers mapped to typed errors.
 */
export const aionMarketSpec: FlowSpec<AionMarketFields> = {
  ...keyFlow,
  loginHint: AIONMARKET_LOGIN_HINT,

  /** Adds `User-Agent` and `X-Request-ID` (non-credential headers) to every request, then the key. */
  apply(tokens, request, fields) {
    const { userAgent, requestId } = fields
    if (userAgent) request.headers.set('User-Agent', userAgent)
    if (requestId) request.headers.set('X-Request-ID', requestId === true ? crypto.randomUUID() : requestId())
    keyFlow.apply(tokens, request, fields)
  },

  /** Agent registration and claim lookups are public: they go out without the key. */
  needsToken({ url, method }, fields) {
    const path = url.pathname.toLowerCase()
    // Most requests are neither: decided without parsing the base URL.
    if (!path.includes('/agents/register') && !path.includes('/agents/claim/')) return true
    const base = new URL(fields.baseURL)
    if (method === 'POST' && isEndpoint(base, url, '/agents/register')) return false
    return !(method === 'GET' && pathBelow(base, url)?.toLowerCase().startsWith('/agents/claim/'))
  },

  /**
   * Every non-2xx answer (the management helpers' and the user's own `fetch` calls alike) as a typed error: 401 the
   * "key invalid or revoked" error, 429 left to the engine's `RateLimitError`, others a `ProviderError` quoting
   * AionMarket's message and code.
   */
  toError(response, fields): AuthError | undefined {
    const { status, data } = response
    if (status === 429) return undefined
    // Quoted unredacted: the engine redacts what toError returns with every secret it knows (stored keys included).
    return keyFlow.toError?.(response, fields) ?? aionMarketError(`HTTP ${status}`, data, (data as { code?: unknown } | null)?.code, status)
  },
}

/** Builds the flow of one AionMarket strategy from its fields (one shared prototype for every strategy). */
export const aionMarketFlow = defineFlow(aionMarketSpec)
