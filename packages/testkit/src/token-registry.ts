/**
 * Server-side memory of issued tokens, so tokens can be revoked one by one or all at once (logout, rotation,
 * `revokeAllTokens()`), the way a real provider's session table would.
 */
export class TokenRegistry {
  readonly #issued = new Set<string>()
  readonly #revoked = new Set<string>()
  readonly #serials = new Map<string, number>()

  /** Remember a token the emulator just issued. */
  issue(token: string): string {
    this.#issued.add(token)
    this.#revoked.delete(token)
    if (!this.#serials.has(token)) this.#serials.set(token, this.#serials.size + 1)
    return token
  }

  /**
   * 1-based number of the token in issue order (the first token this emulator issued is 1). A token issued twice (same
   * claims in the same second) keeps its first number. `undefined` for a token this emulator never issued.
   */
  serialOf(token: string): number | undefined {
    return this.#serials.get(token)
  }

  /** Whether the emulator issued this token (in this run). */
  isIssued(token: string): boolean {
    return this.#issued.has(token)
  }

  /** Whether the token was revoked. */
  isRevoked(token: string): boolean {
    return this.#revoked.has(token)
  }

  /** Revoke one token. Returns whether it was known. */
  revoke(token: string): boolean {
    this.#revoked.add(token)
    return this.#issued.has(token)
  }

  /** Revoke every token issued so far. Returns how many were revoked. */
  revokeAll(): number {
    for (const token of this.#issued) this.#revoked.add(token)
    return this.#issued.size
  }
}
