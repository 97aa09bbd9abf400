import { ConfigError, fingerprint, type AuthFlow, type OutgoingRequest, type TokenSet } from '@authmux/core'
import { keyRejected } from './errors'
import { formatCredential } from './header'

/** What the static-key flow needs. Internal: the public entry points are the factories. */
export interface BearerFlowConfig {
  /** Provider name, lower case ('bearer', 'aionmarket'). */
  name: string
  /** Message prefix. */
  packageName: string
  baseURL: string
  /** Returns the key to use now. A function so a key ring can switch keys atomically. */
  key: () => string | undefined
  /** Header that carries the key. */
  header: string
  /** Scheme before the key (`Bearer`), or null for the bare key. */
  scheme: string | null
  /** Environment variable that can hold the key, named in error messages. */
  envName?: string
  /** Non-credential headers added to every request (User-Agent, X-Request-ID …), computed per request. */
  extraHeaders?: () => Record<string, string>
  /** Requests that must go out without the key (public endpoints). */
  isPublic?: (request: { url: URL; method: string }) => boolean
}

/**
 * The static-key flow: `acquire()` hands back the configured key without a network call and without an expiry.
 * A 401 means the key is invalid or revoked; there is nothing to renew, so it is never replayed.
 */
export function createBearerFlow(config: BearerFlowConfig): AuthFlow {
  const { packageName, name } = config
  const initialKey = config.key()
  const flow: AuthFlow = {
    name,
    packageName,
    baseURL: config.baseURL,
    credentialHeaders: [config.header],
    secrets: [initialKey],
    identity: initialKey ? fingerprint(initialKey) : 'no-key',
    async acquire(): Promise<TokenSet> {
      const key = config.key()
      if (!key) {
        const env = config.envName ? ` or set ${config.envName}` : ''
        throw new ConfigError(`${packageName}: apiKey is missing — pass { apiKey }${env}.`, {
          provider: name,
          field: 'apiKey',
        })
      }
      return { accessToken: key }
    },
    apply(tokens: TokenSet | undefined, request: OutgoingRequest): void {
      const extra = config.extraHeaders?.()
      if (extra) for (const [header, value] of Object.entries(extra)) request.headers.set(header, value)
      if (tokens) request.headers.set(config.header, formatCredential(tokens.accessToken, config.scheme))
    },
    needsToken(request) {
      return !(config.isPublic?.(request) ?? false)
    },
    replayOn401() {
      return keyRejected(packageName, name, config.envName)
    },
    // Only the 401 is ours; a 429 the engine did not wait out becomes its RateLimitError (with retryAfterMs).
    toError({ status }) {
      return status === 401 ? keyRejected(packageName, name, config.envName) : undefined
    },
  }
  return flow
}
