import type { AuthError, SessionOptions, TokenSet } from '@authmux/core'
import type { z } from 'zod'
import type { FieldSelector } from './fields'

/** How the JWT is attached to requests. */
export interface TokenAttachment {
  /** Header that carries the token (an RFC 9110 token: letters, digits, `-` …). Default `'Authorization'`. */
  header?: string
  /** Scheme written before the token (`'Bearer'`); `null` sends the bare token. Default `'Bearer'`. */
  scheme?: string | null
}

/** Which response fields hold the token and its expiry. `T` is the response body after its schema ran. */
export interface TokenFields<T> {
  /** Field holding the JWT: dotted path (`'token'`, `'data.token'`) or a function of the parsed body. */
  tokenField: FieldSelector<T, string | null | undefined>
  /**
   * Field holding the absolute expiry on the server clock: ISO-8601, epoch ms, or epoch seconds (numbers below
   * 1e12). Wins over `expiresInSecondsField`; without either, the JWT's `exp` claim is used.
   */
  expiresAtField?: FieldSelector<T, string | number | null | undefined>
  /** Field holding the remaining lifetime in seconds (`expires_in`). */
  expiresInSecondsField?: FieldSelector<T, number | null | undefined>
  /**
   * Returns a typed error when a 2xx body still means failure (ProjectX answers HTTP 200 with `success: false`).
   * Return `undefined` when the body is a success.
   */
  bodyError?: (data: T) => AuthError | undefined
  /** Non-secret extras kept in `TokenSet.meta` (never put a secret here). */
  meta?: (data: T) => TokenSet['meta']
}

/**
 * A login (exchange) endpoint: where to send what, and how to read the answer. `F` is what `loginBody` reads: nothing
 * for the generic style (its `loginBody` closes over the credentials), a strategy's fields for a preset.
 */
export interface LoginEndpoint<F, S extends z.ZodType> extends TokenFields<z.infer<S>> {
  /** Login endpoint, relative to `baseURL`: `'/auth/login'`. */
  loginPath: string
  /** HTTP method of the login call. Default `'POST'`. */
  loginMethod?: string
  /** Builds the login JSON body. Called for every login. */
  loginBody: (fields: F) => unknown
  /** Extra headers for the login call (e.g. `{ accept: 'text/plain' }`). */
  loginHeaders?: Record<string, string>
  /** zod schema of the login endpoint's 2xx body. A mismatch is a `ResponseShapeError` naming the field. */
  responseSchema: S
}

/** An endpoint that exchanges the current (still valid) token for a fresh one, e.g. ProjectX `/Auth/validate`. */
export interface RevalidateEndpoint<S extends z.ZodType = z.ZodType> extends TokenFields<z.infer<S>> {
  /** Path relative to `baseURL`. */
  path: string
  /** HTTP method. Default `'POST'`. */
  method?: string
  /** JSON body, if the endpoint takes one. */
  body?: (tokens: TokenSet) => unknown
  /** zod schema of the 2xx body. */
  responseSchema: S
}

/** Configuration of the generic key/secret → JWT style. It is also the session's options (`SessionOptions`). */
export interface KeySecretJwtConfig<S extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> extends SessionOptions, LoginEndpoint<void, S> {
  /** Provider name, lower case (`'myexchange'`). Used in error messages, events and the default store key. */
  name: string
  /** Base URL of the API (https, or http to a loopback host); the token is attached only on its origin, below its path. */
  baseURL: string
  /** Builds the login JSON body from the configured credentials. Called for every login. */
  loginBody: () => unknown
  /** Optional revalidate endpoint used to renew before expiry; without it the engine logs in again. */
  revalidate?: RevalidateEndpoint<R>
  /** Optional provider logout endpoint (relative to `baseURL`), called with the token by `logout()`. */
  logoutPath?: string
  /** How the token is attached. Default `Authorization: Bearer <token>`. */
  attach?: TokenAttachment
  /** Every secret the credentials contain (keys, secrets, passwords): redacted from every message and event. */
  secrets?: Array<string | undefined>
  /**
   * Non-secret label for the default store key (a user name, a key fingerprint …). Without it the store key is a
   * fingerprint of `secrets`.
   */
  identity?: string | Promise<string>
  /** Package name prefixed to error messages. Default `'@authmux/key-secret-jwt'`. */
  packageName?: string
}
