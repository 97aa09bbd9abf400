import { createSession, type Session, type SessionOptions } from '@authmux/core'
import { extendSession, type EnvSource } from '@authmux/core/provider'
import { defineApiKeyRefreshFlow, type ApiKeyRefreshApi } from '../flow'
import { apiKeyOption, baseURLOption } from '../validate'

const provider = 'apala'

/** Default pause after Apala rejected the API key before the next exchange attempt: 5 minutes. */
export const APALA_DEFAULT_COOLDOWN_AFTER_FAILURE_MS = 5 * 60_000

/** Apala's endpoints and fields: one definition for every strategy. */
export const APALA: ApiKeyRefreshApi = {
  name: provider,
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

/** Apala's flow factory: one shared prototype, each strategy's flow holds only its fields. */
export const apalaFlow = /* @__PURE__ */ defineApiKeyRefreshFlow(APALA)

/** The company an Apala API key belongs to (from the token response; not a secret). */
export interface ApalaCompany {
  id: string
  name: string
}

/** Options of {@link createApalaAuth}. Every `SessionOptions` field (store, logger, retry, loginLimit, …) is accepted. */
export interface ApalaAuthOptions extends SessionOptions {
  /**
   * The company's Apala API key (trimmed). Default: `APALA_API_KEY`. Required unless `storeKey` names a stored
   * session. Secret: redacted from every message, log line and event.
   */
  apiKey?: string
  /**
   * Origin of the Apala (Phoenix) server, e.g. `https://apala.example.com`. Default: `APALA_BASE_URL`.
   * Apala's paths are absolute (`/api/auth/token`, `/api/message_optimizer`), so **any path in this URL is dropped**:
   * `https://host/some/prefix` is treated as `https://host`, exactly as the official SDK does.
   */
  baseURL?: string
  /**
   * Key under which the tokens are stored. Default: `apala:fp-<fingerprint of the key>`.
   *
   * **Session-only mode:** with no `apiKey` (and no `APALA_API_KEY`), an explicit `storeKey` uses the session
   * stored under it (saved by another instance or `authmux login apala`): its tokens are sent and refreshed with the
   * refresh token, the key is never exchanged, and `logout()` deletes them. When Apala refuses the refresh token, a
   * `TokenExpiredError` says how to log in again.
   */
  storeKey?: string
  /** Where `APALA_API_KEY` and `APALA_BASE_URL` are read: default the process environment; `false` reads none. */
  env?: EnvSource
}

/** The Apala strategy: token exchange and refresh, plus the company the key belongs to. */
export interface ApalaAuth extends Session {
  /** The company of the API key (from the token response; not a secret), or undefined before the first exchange. */
  readonly company: ApalaCompany | undefined
}

/** Apala's extras, one getter shared by every strategy. */
const apalaExtras: { readonly company: ApalaCompany | undefined } & ThisType<Session> = {
  get company(): ApalaCompany | undefined {
    const meta = this.meta
    if (!meta || meta.companyId === undefined || meta.companyId === null) return undefined
    return { id: String(meta.companyId), name: meta.companyName === undefined || meta.companyName === null ? '' : String(meta.companyName) }
  },
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
  const { apiKey: keyOption, baseURL: baseOption, env, loginLimit, ...session } = options
  const source = { provider, env }
  const base = baseURLOption(baseOption, {
    ...source,
    envName: 'APALA_BASE_URL',
    allowInsecureHttp: session.allowInsecureHttp,
    hint: "Apala has no public default: use your Apala server's origin, e.g. 'https://apala.example.com'.",
  })
  // Without a key, an explicit storeKey means session-only: use (refresh, log out) the stored tokens, never exchange.
  const apiKey = apiKeyOption(keyOption, session.storeKey, { ...source, envName: 'APALA_API_KEY' })
  const flow = apalaFlow({ baseURL: base.origin, identity: undefined, secrets: [apiKey], canAcquire: apiKey !== undefined, apiKey })
  const auth = createSession(flow, { ...session, loginLimit: { cooldownAfterFailureMs: APALA_DEFAULT_COOLDOWN_AFTER_FAILURE_MS, ...loginLimit } })
  return extendSession(auth, apalaExtras)
}
