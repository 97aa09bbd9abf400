import type { AuthError } from './errors'
import type { AuthFlow, FlowContext, OutgoingRequest } from './flow'
import type { StreamAuth } from './stream-auth'
import type { RefreshWindow, TokenSet } from './types'

/**
 * What one strategy of a provider holds: its own values. `identity` and `secrets` are required keys — write
 * `identity: undefined` on purpose when the account has no name (the store key is then a fingerprint of the secrets).
 */
export interface FlowFields {
  /** Base URL of the API this strategy talks to. */
  readonly baseURL: string
  /** Non-secret label of the account for the store key ('user@example.com', a user name), or undefined. */
  readonly identity: string | Promise<string> | undefined
  /** Every secret this strategy holds (API key, secret, password …): registered for redaction. */
  readonly secrets: ReadonlyArray<string | undefined>
  /** Whether `acquire()` can run without the user (credentials configured). Default true. */
  readonly canAcquire?: boolean
  /** Extra origins auth calls may go to. */
  readonly authOrigins?: string[]
}

/**
 * A provider's flow, written once for every strategy of that provider: constants, and methods that receive the
 * strategy's fields `F` as their last argument. Required: `name`, `packageName`, `acquire`, `apply`.
 */
export interface FlowSpec<F extends FlowFields> {
  /** Provider name, lower case: 'tradeready'. */
  readonly name: string
  /** Package name, the message prefix: '@authmux/key-secret-jwt'. */
  readonly packageName: string
  /** Refresh window this provider recommends. */
  readonly refreshWindow?: RefreshWindow
  /** How a user gets a session when the engine cannot log in by itself (appended to signed-out errors). */
  readonly loginHint?: string
  /** Headers that carry credentials beyond Authorization, Cookie and X-API-Key. */
  readonly credentialHeaders?: string[]
  /** Logs in / exchanges credentials. */
  acquire(ctx: FlowContext, fields: F): Promise<TokenSet>
  /** Attaches credentials to a request (`tokens` undefined when `needsToken()` said no). */
  apply(tokens: TokenSet | undefined, request: OutgoingRequest, fields: F): void
  /** Renews with the refresh token (or revalidates). */
  renew?(tokens: TokenSet, ctx: FlowContext, fields: F): Promise<TokenSet>
  /** Provider-side logout. */
  revoke?(tokens: TokenSet, ctx: FlowContext, fields: F): Promise<void>
  /** Whether this request needs a token from `acquire()`. Default true. */
  needsToken?(request: { url: URL; method: string }, fields: F): boolean
  /** Whether a 401 on this request may be renewed and replayed. */
  replayOn401?(request: { url: URL; method: string }, fields: F): boolean | AuthError
  /** Auth endpoints: a 401 on them is never renewed and replayed. */
  isAuthEndpoint?(url: URL, fields: F): boolean
  /** Maps an error response to a typed error (undefined: the engine's default). */
  toError?(response: { status: number; headers: Headers; data: unknown; during: 'auth' | 'request' }, fields: F): AuthError | undefined
  /** Called after each response to a credentialed request. */
  onResponse?(response: Response, request: { url: URL; method: string }, fields: F): void
  /** How the strategy's realtime stream is authenticated, when the provider has one. */
  stream?(fields: F): StreamAuth
}

/** An `AuthFlow` made by `defineFlow`: the strategy's fields stay readable (typed) for the preset's extras. */
export interface DefinedFlow<F extends FlowFields> extends AuthFlow {
  readonly fields: F
}

const OPTIONAL_METHODS = ['renew', 'revoke', 'needsToken', 'replayOn401', 'isAuthEndpoint', 'toError', 'onResponse'] as const

/**
 * The one way to write a provider flow. Returns a factory that turns a strategy's fields into an `AuthFlow`; the
 * methods and constants live once on a shared prototype (many accounts in one process stay cheap), each flow holds
 * only its `fields`. A missing `identity`, `secrets`, `acquire` or `apply` is a compile error.
 *
 * ```ts
 * const demoFlow = defineFlow<DemoFields>({
 *   name: 'demo',
 *   packageName: '@acme/authmux-demo',
 *   async acquire(ctx, fields) { … return { accessToken } },
 *   apply(tokens, request) { if (tokens) request.headers.set('authorization', `Bearer ${tokens.accessToken}`) },
 * })
 * const flow = demoFlow({ baseURL, identity: clientId, secrets: [clientSecret], clientId, clientSecret })
 * ```
 */
export function defineFlow<F extends FlowFields>(spec: FlowSpec<F>): (fields: F) => DefinedFlow<F> {
  const prototype: Partial<AuthFlow> & ThisType<DefinedFlow<F>> = {
    name: spec.name,
    packageName: spec.packageName,
    get baseURL() {
      return this.fields.baseURL
    },
    get identity() {
      return this.fields.identity
    },
    get secrets() {
      return [...this.fields.secrets]
    },
    get canAcquire() {
      return this.fields.canAcquire ?? true
    },
    get authOrigins() {
      return this.fields.authOrigins
    },
    acquire(ctx) {
      return spec.acquire(ctx, this.fields)
    },
    apply(tokens, request) {
      spec.apply(tokens, request, this.fields)
    },
  }
  if (spec.refreshWindow) prototype.refreshWindow = spec.refreshWindow
  if (spec.loginHint) prototype.loginHint = spec.loginHint
  if (spec.credentialHeaders) prototype.credentialHeaders = spec.credentialHeaders
  const stream = spec.stream
  if (stream) {
    Object.defineProperty(prototype, 'stream', {
      get(this: DefinedFlow<F>) {
        return stream.call(spec, this.fields)
      },
    })
  }
  for (const method of OPTIONAL_METHODS) {
    const implementation = spec[method] as ((...args: unknown[]) => unknown) | undefined
    if (!implementation) continue
    Object.defineProperty(prototype, method, {
      value: function (this: DefinedFlow<F>, ...args: unknown[]) {
        return implementation.call(spec, ...args, this.fields)
      },
      enumerable: false,
    })
  }
  return (fields) => {
    const flow = Object.create(prototype) as DefinedFlow<F>
    Object.defineProperty(flow, 'fields', { value: fields, enumerable: false })
    return flow
  }
}
