import { createSession, type Session, type SessionOptions } from '@authmux/core'
import { keyMissing } from './errors'
import { BearerFlow } from './flow'
import { checkApiKey, checkBaseURL, checkHeader, checkScheme } from './validate'

/** Options of {@link createBearerAuth}. Every `SessionOptions` field (store, logger, retry, …) is accepted too. */
export interface BearerAuthOptions extends SessionOptions {
  /** The static API key. Secret: redacted from every message, log line, event and `JSON.stringify`. */
  apiKey: string
  /** Base URL of the API. The key is sent to this origin (and below its path) and nowhere else. */
  baseURL: string
  /** Header that carries the key. Default `'Authorization'`. */
  header?: string
  /** Word before the key (`'Bearer'`, `'Token'`), or `null` to send the bare key (`X-API-Key: <key>`). Default `'Bearer'`. */
  scheme?: string | null
  /** Provider name used in messages, events and the default store key. Default `'bearer'`. */
  name?: string
}

/** A static-key strategy: the engine's `Session` (an `AuthStrategy`) whose token is the key itself. */
export type BearerAuth = Session

/**
 * Sends a static API key with every request to `baseURL`: `Authorization: Bearer <key>` by default, or any header
 * and scheme (`{ header: 'X-API-Key', scheme: null }`). No network call is needed to "log in"; a 401 throws
 * `KeyRejectedError` (the key is invalid or revoked) instead of looping on a refresh that cannot help.
 */
export function createBearerAuth(options: BearerAuthOptions): BearerAuth {
  const { apiKey: rawKey, baseURL: rawBase, header, scheme, name: rawName, ...session } = options ?? ({} as BearerAuthOptions)
  const name = rawName ?? 'bearer'
  const apiKey = checkApiKey(rawKey, name)
  if (!apiKey) throw keyMissing(name)
  const flow = Object.assign(new BearerFlow(), {
    name,
    baseURL: checkBaseURL(rawBase, name, session.allowInsecureHttp),
    key: apiKey,
    header: checkHeader(header, name),
    scheme: checkScheme(scheme, name),
    envName: undefined,
  })
  return createSession(flow, session)
}
