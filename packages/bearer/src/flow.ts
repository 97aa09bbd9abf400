import { fingerprint, type AuthFlow, type OutgoingRequest, type TokenSet } from '@authmux/core'
import { type KeyRejectedError, keyMissing, keyRejected } from './errors'
import { formatCredential } from './header'
import { PACKAGE_NAME } from './package-name'

/**
 * The static-key flow: `acquire()` hands back the configured key without a network call and without an expiry.
 * A 401 means the key is invalid or revoked; there is nothing to renew, so it is never replayed. The methods are
 * shared (prototype); a flow holds only its fields. Internal: the public entry points are the factories.
 */
export class BearerFlow implements AuthFlow {
  /** Provider name, lower case ('bearer', 'aionmarket'). */
  declare readonly name: string
  declare readonly baseURL: string
  /** The key to use now (a key ring switches it with `setTokens()` first). */
  declare key: string | undefined
  /** Header that carries the key. */
  declare readonly header: string
  /** Scheme before the key (`Bearer`), or null for the bare key. */
  declare readonly scheme: string | null
  /** Environment variable that can hold the key, named in error messages. */
  declare readonly envName: string | undefined

  /** Message prefix (the same for every flow of this package). */
  get packageName(): string {
    return PACKAGE_NAME
  }
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
    if (!this.key) throw keyMissing(this.name, this.envName)
    return { accessToken: this.key }
  }

  apply(tokens: TokenSet | undefined, request: OutgoingRequest): void {
    if (tokens) request.headers.set(this.header, formatCredential(tokens.accessToken, this.scheme))
  }

  replayOn401(): KeyRejectedError {
    return keyRejected(this.name, this.envName)
  }

  // Only the 401 is ours; a 429 the engine did not wait out becomes its RateLimitError (with retryAfterMs).
  toError({ status }: { status: number }): KeyRejectedError | undefined {
    return status === 401 ? this.replayOn401() : undefined
  }
}
