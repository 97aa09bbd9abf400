import { readEnv, type SessionOptions } from '@authmux/core'
import { buildApiKeyRefreshAuth, type ApiKeyRefreshAuth } from '../auth'
import { checkURL } from '../validate'

const packageName = '@authmux/api-key-refresh'
const provider = 'apala'

/** Default pause after Apala rejected the API key before the next exchange attempt: 5 minutes. */
export const APALA_DEFAULT_COOLDOWN_AFTER_FAILURE_MS = 5 * 60_000

/** Options of {@link createApalaAuth}. Every `SessionOptions` field (store, logger, retry, loginLimit, …) is accepted. */
export interface ApalaAuthOptions extends SessionOptions {
  /**
   * The company's Apala API key. Default: `APALA_API_KEY`. Required unless `storeKey` names a stored session
   * (session-only mode: the stored tokens are used and refreshed, the key is never exchanged). Secret.
   */
  apiKey?: string
  /**
   * Origin of the Apala (Phoenix) server, e.g. `https://apala.example.com`. Default: `APALA_BASE_URL`.
   * Apala's paths are absolute (`/api/auth/token`, `/api/message_optimizer`), so **any path in this URL is dropped**:
   * `https://host/some/prefix` is treated as `https://host`, exactly as the official SDK does.
   */
  baseURL?: string
}

/** The Apala strategy: token exchange/refresh, plus the company the key belongs to. */
export interface ApalaAuth extends ApiKeyRefreshAuth {
  /** The company of the API key (from the token response; not a secret), or undefined before the first exchange. */
  readonly company: { id: string; name: string } | undefined
}

/**
 * Apala (Phoenix Message Analysis API): `POST /api/auth/token {api_key}` → access + refresh token,
 * `POST /api/auth/refresh {refresh_token}` 60 s before expiry (the refresh token is kept, not rotated),
 * `Authorization: Bearer <access_token>` on API calls. 401/403 on the exchange are never retried, 5xx and network
 * errors are retried with backoff, and after a rejected key no new exchange is attempted for 5 minutes
 * (`loginLimit.cooldownAfterFailureMs`). With only `{ baseURL, storeKey, store }` it uses (and can log out) a
 * session saved earlier.
 */
export function createApalaAuth(options: ApalaAuthOptions = {}): ApalaAuth {
  const { apiKey, baseURL, loginLimit, ...session } = options
  const base = checkURL(baseURL ?? readEnv('APALA_BASE_URL'), { packageName, provider, envName: 'APALA_BASE_URL' })
  const auth = buildApiKeyRefreshAuth(
    {
      ...session,
      apiKey: (apiKey ?? readEnv('APALA_API_KEY')) as string,
      baseURL: base.origin,
      tokenPath: '/api/auth/token',
      refreshPath: '/api/auth/refresh',
      apiKeyField: 'api_key',
      refreshTokenField: 'refresh_token',
      metaFields: { company_id: 'companyId', company_name: 'companyName', token_type: 'tokenType' },
      loginLimit: { cooldownAfterFailureMs: APALA_DEFAULT_COOLDOWN_AFTER_FAILURE_MS, ...loginLimit },
    },
    {
      packageName,
      name: provider,
      envKey: 'APALA_API_KEY',
      refreshWindow: { beforeExpiryMs: 60_000 },
      loginHint: 'Run `authmux login apala`, or pass { apiKey } (or set APALA_API_KEY).',
      allowSessionOnly: true,
    },
  )
  Object.defineProperty(auth, 'company', {
    enumerable: false,
    get() {
      const meta = auth.meta
      if (!meta || meta.companyId === undefined || meta.companyId === null) return undefined
      return { id: String(meta.companyId), name: meta.companyName === undefined || meta.companyName === null ? '' : String(meta.companyName) }
    },
  })
  return auth as ApalaAuth
}
