import { createSession, fingerprint, isHeaderSafe, type Session } from '@authmux/core'
import { extendSession, helperCall, optionOrEnv } from '@authmux/core/provider'
import { configError } from '../config-error'
import { PACKAGE_NAME } from '../package-name'
import { checkBaseURL, readApiKey } from '../validate'
import { type AionMarketFields, aionMarketFlow } from './flow'
import { createApiKey, listApiKeys, me, registerAgent, type AgentProfile, type ApiKeyInfo, type CreatedApiKey, type RegisteredAgent } from './management'
import { AIONMARKET, AIONMARKET_BASE_URL_ENV, AIONMARKET_DEFAULT_BASE_URL, AIONMARKET_KEY_ENV, type AionMarketAuthOptions } from './options'

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

/**
 * The helpers, written once: every strategy gets these same functions (non-enumerable, via `extendSession`), which
 * call through the strategy they are called on. The key in use is passed along so a 2xx-wrapped failure echoing it
 * never quotes it. Each runs in core's `helperCall`: whatever fails reaches the caller as a typed `AuthError`,
 * redacted by the strategy's engine like every other error.
 */
const helpers = {
  registerAgent(this: Session, input: { name: string; description?: string }): Promise<RegisteredAgent> {
    return helperCall(this, () => registerAgent(this.fetch, input))
  },
  createApiKey(this: Session, keyName: string): Promise<CreatedApiKey> {
    return helperCall(this, () => createApiKey(this.fetch, keyName, [this.accessToken]))
  },
  listApiKeys(this: Session): Promise<ApiKeyInfo[]> {
    return helperCall(this, () => listApiKeys(this.fetch, [this.accessToken]))
  },
  me(this: Session): Promise<AgentProfile> {
    return helperCall(this, () => me(this.fetch, [this.accessToken]))
  },
}

/** Internal handle used by the key ring: the strategy plus its flow's fields, whose `key` the ring switches. */
export interface AionMarketHandle {
  auth: AionMarketAuth
  fields: AionMarketFields
}

/**
 * Builds the strategy; the fields stay internal (only the key ring switches the key). `keyFromEnv: false` (the key
 * ring: each purpose names its own key) ignores `AIONMARKET_API_KEY`; the base URL still follows `env`.
 */
export function buildAionMarketAuth(options: AionMarketAuthOptions = {}, keyFromEnv = true): AionMarketHandle {
  const { apiKey, baseURL, env, userAgent, requestId = true, ...session } = options
  const key = readApiKey(apiKey, { provider: AIONMARKET, envName: AIONMARKET_KEY_ENV, env: keyFromEnv ? env : false })
  const baseOption = { field: 'baseURL', envName: AIONMARKET_BASE_URL_ENV, env, provider: AIONMARKET, packageName: PACKAGE_NAME }
  // A value that is not a string (a URL object) goes to checkBaseURL as is, which names the option.
  const base: unknown = typeof baseURL === 'string' || baseURL === undefined ? optionOrEnv(baseURL, baseOption) : baseURL
  if (userAgent !== undefined && (typeof userAgent !== 'string' || !isHeaderSafe(userAgent))) {
    throw configError("userAgent must be visible ASCII text such as 'my-bot/1.0' (no line breaks or non-ASCII characters).", 'userAgent', AIONMARKET)
  }
  const fields: AionMarketFields = {
    baseURL: checkBaseURL(base ?? AIONMARKET_DEFAULT_BASE_URL, {
      provider: AIONMARKET,
      envName: AIONMARKET_BASE_URL_ENV,
      allowInsecureHttp: session.allowInsecureHttp,
      example: AIONMARKET_DEFAULT_BASE_URL,
    }),
    identity: key === undefined ? undefined : fingerprint(key),
    secrets: [key],
    // Session-only mode: no key configured and an explicit store key — send the stored key, never a configured one.
    canAcquire: key !== undefined || session.storeKey === undefined,
    key,
    userAgent,
    requestId,
  }
  const auth: AionMarketAuth = extendSession(createSession(aionMarketFlow(fields), session), helpers)
  return { auth, fields }
}

/**
 * AionMarket agent API auth: `Authorization: Bearer <apiKeyCode>` on every request to `baseURL`, an optional
 * `User-Agent`, a fresh `X-Request-ID` per request, and the agent/key management helpers. A 401 throws
 * `KeyRejectedError` (key invalid or revoked — never replayed); a 429 waits `Retry-After` (engine).
 */
export function createAionMarketAuth(options: AionMarketAuthOptions = {}): AionMarketAuth {
  return buildAionMarketAuth(options).auth
}
