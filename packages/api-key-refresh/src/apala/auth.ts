import { readEnv, type SessionOptions } from '@authmux/core'
import { buildApiKeyRefreshAuth, type ApiKeyRefreshAuth } from '../auth'
import type { ApiKeyRefreshSpec } from '../flow'
import { checkSecret, checkURL } from '../validate'

const packageName = '@authmux/api-key-refresh'
const provider = 'apala'

/** Default pause after Apala rejected the API key before the next exchange attempt: 5 minutes. */
export const APALA_DEFAULT_COOLDOWN_AFTER_FAILURE_MS = 5 * 60_000

/** Apala's endpoints and fields: one spec for every strategy. */
const APALA: ApiKeyRefreshSpec = {
  name: provider,
  packageName,
  tokenPath: '/api/auth/token',
  refreshPath: '/api/auth/refresh',
  apiKeyField: 'api_key',
  refreshTokenField: 'refresh_token',
  header: 'Authorization',
  scheme: 'Bearer',
  metaFields: { company_id: 'companyId', company_name: 'companyName', token_type: 'tokenType' },
  refreshWindow: { beforeExpiryMs: 60_000 },
  loginHint: 'Run `authmux login apala`, or pass { apiKey } (or set APALA_API_KEY).',
}

/** The `company` getter of an Apala strategy (from the token response's meta). */
function company(this: ApiKeyRefreshAuth): { id: string; name: string } | undefined {
  const meta = this.meta
  if (!meta || meta.companyId === undefined || meta.companyId === null) return undefined
  return { id: String(meta.companyId), name: meta.companyName === undefined || meta.companyName === null ? '' : String(meta.companyName) }
}

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
  const { apiKey: keyOption, baseURL, loginLimit, ...session } = options
  const rawKey = keyOption ?? readEnv('APALA_API_KEY')
  const base = checkURL(baseURL ?? readEnv('APALA_BASE_URL'), { packageName, provider, envName: 'APALA_BASE_URL' })
  // Without a key, an explicit storeKey means session-only: use (refresh, log out) the stored tokens, never exchange.
  const apiKey =
    session.storeKey !== undefined && (rawKey === undefined || rawKey === '')
      ? undefined
      : checkSecret(rawKey, 'apiKey', {
          packageName,
          provider,
          envName: 'APALA_API_KEY',
          hint: 'Or pass { storeKey } to use a stored session without the key.',
        })
  const auth = buildApiKeyRefreshAuth(APALA, base.origin, apiKey, {
    ...session,
    loginLimit: { cooldownAfterFailureMs: APALA_DEFAULT_COOLDOWN_AFTER_FAILURE_MS, ...loginLimit },
  })
  Object.defineProperty(auth, 'company', { enumerable: false, get: company })
  return auth as ApalaAuth
}
