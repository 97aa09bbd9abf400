import { createSession, fingerprint, type Session, type SessionOptions } from '@authmux/core'
import { bearerFlow } from './flow'
import { checkBaseURL, checkHeader, checkScheme, readApiKey } from './validate'

/** Options of {@link createBearerAuth}. Every `SessionOptions` field (store, storeKey, logger, retry, …) is accepted too. */
export interface BearerAuthOptions extends SessionOptions {
  /**
   * The static API key, exactly as issued (a key with spaces or line breaks is refused, not trimmed). Secret: redacted
   * from every message, log line, event and `JSON.stringify`.
   */
  apiKey: string
  /** Base URL of the API. The key is sent to this origin (and below its path) and nowhere else. */
  baseURL: string
  /** Header that carries the key. Default `'Authorization'`. */
  header?: string
  /** Word before the key (`'Bearer'`, `'Token'`), or `null` to send the bare key (`X-API-Key: <key>`). Default `'Bearer'`. */
  scheme?: string | null
  /** Provider name used in messages, events and the default store key (`<name>:<key fingerprint>`). Default `'bearer'`. */
  name?: string
}

/** A static-key strategy: the engine's `Session` (an `AuthStrategy`) whose token is the key itself. */
export interface BearerAuth extends Session {}

/**
 * Sends a static API key with every request to `baseURL`: `Authorization: Bearer <key>` by default, or any header
 * and scheme (`{ header: 'X-API-Key', scheme: null }`). No network call is needed to "log in"; a 401 throws
 * `KeyRejectedError` (the key is invalid or revoked) instead of looping on a refresh that cannot help.
 */
export function createBearerAuth(options: BearerAuthOptions): BearerAuth {
  const { apiKey, baseURL, header, scheme, name = 'bearer', ...session } = options ?? ({} as BearerAuthOptions)
  const key = readApiKey(apiKey, { provider: name, trim: false, required: true })!
  const make = bearerFlow({
    name,
    header: checkHeader(header, name),
    scheme: checkScheme(scheme, name),
    newKeyHint: 'where the API issues keys',
  })
  const flow = make({
    baseURL: checkBaseURL(baseURL, { provider: name, allowInsecureHttp: session.allowInsecureHttp, example: 'https://api.example.com' }),
    identity: fingerprint(key),
    secrets: [key],
    canAcquire: true,
    key,
  })
  return createSession(flow, session)
}
