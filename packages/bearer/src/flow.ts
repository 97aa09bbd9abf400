import { ConfigError, fingerprint, type AuthFlow, type OutgoingRequest, type TokenSet } from '@authmux/core'
import { type KeyRejectedError, keyRejected } from './errors'
import { formatCredential } from './header'

/**
 * The static-key flow: `acquire()` hands back the configured key without a network call and without an expiry.
 * A 401 means the key is invalid or revoked; there is nothing to renew, so it is never replayed. The methods are
 * shared (prototype); a flow holds only its fields. Internal: the public entry points are the factories.
 */
export class BearerFlow implements AuthFlow {
  /** Provider name, lower case ('bearer', 'aionmarket'). */
  declare readonly name: string
  /** Message prefix. */
  declare readonly packageName: string
  declare readonly baseURL: string
  /** The key to use now (a key ring switches it with `setTokens()` first). */
  declare key: string | undefined
  /** Header that carries the key. */
  declare readonly header: string
  /** Scheme before the key (`Bearer`), or null for the bare key. */
  declare readonly scheme: string | null
  /** Environment variable that can hold the key, named in error messages. */
  declare readonly envName: string | undefined

  get credentialHeaders(): string[] {
    return [this.header]
  }
  get secrets(): Array<string | undefined> {
    return [this.key]
  }
  get identity(): string | Promise<string> {
    return this.key ? fingerprint(this.key) : 'no-key'
  }

  async acquire(): Promise<TokenSet> {
    const key = this.key
    if (!key) {
      const env = this.envName ? ` or set ${this.envName}` : ''
      throw new ConfigError(`${this.packageName}: apiKey is missing — pass { apiKey }${env}.`, {
        provider: this.name,
        field: 'apiKey',
      })
    }
    return { accessToken: key }
  }

  apply(tokens: TokenSet | undefined, request: OutgoingRequest): void {
    if (tokens) request.headers.set(this.header, formatCredential(tokens.accessToken, this.scheme))
  }

  replayOn401(): KeyRejectedError {
    return keyRejected(this.packageName, this.name, this.envName)
  }

  // Only the 401 is ours; a 429 the engine did not wait out becomes its RateLimitError (with retryAfterMs).
  toError({ status }: { status: number }): KeyRejectedError | undefined {
    return status === 401 ? keyRejected(this.packageName, this.name, this.envName) : undefined
  }
}
