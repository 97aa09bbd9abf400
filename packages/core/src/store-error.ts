import { AuthError, type AuthErrorOptions } from './errors'

/** Machine-readable codes of `StoreError`. */
export type StoreErrorCode =
  /** Not an envelope, truncated, bad encoding, or decrypted content that is not a `TokenSet`. */
  | 'STORE_CORRUPT'
  /** Authentication failed: wrong key, tampered ciphertext, or a value that belongs to another credential key. */
  | 'STORE_DECRYPT'
  /** The store key is missing, unreadable, or not the key that wrote the store. */
  | 'STORE_KEY'
  /** A token set to be sealed is not a valid `TokenSet`. */
  | 'STORE_INVALID'
  /** A cross-process lock could not be acquired in time. */
  | 'STORE_LOCK_TIMEOUT'
  /** Any other I/O failure of the store's backend. */
  | 'STORE_IO'
  /** The store's backend (Redis, a network service) could not be reached. */
  | 'STORE_UNAVAILABLE'

export interface StoreErrorOptions extends Omit<AuthErrorOptions, 'code'> {
  code: StoreErrorCode
  /** Where the bad data lives (a file path, a Redis key …). Never a secret; stores use hashed names. */
  location?: string
}

/**
 * A token store could not read, decrypt, validate or lock its data. Stores report it and treat the entry as empty
 * (a fresh login follows) instead of crashing. The message never contains ciphertext, plaintext or key material.
 */
export class StoreError extends AuthError {
  override name = 'StoreError'
  declare readonly code: StoreErrorCode
  /** Where the bad data lives (file path, Redis key …), when known. */
  readonly location?: string
  constructor(message: string, options: StoreErrorOptions) {
    super(message, options)
    if (options.location !== undefined) this.location = options.location
  }
  override toJSON(): Record<string, unknown> {
    const json = super.toJSON()
    if (this.location !== undefined) json.location = this.location
    return json
  }
}
