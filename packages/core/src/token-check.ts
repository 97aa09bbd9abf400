import { ConfigError, ResponseShapeError, type AuthError } from './errors'

/**
 * A value that can travel in an HTTP header as is: visible ASCII, inner spaces allowed. CR/LF would split the header
 * (and `Headers.set` would print the whole value in its error); non-ASCII would be sent as raw Latin-1 bytes.
 */
const HEADER_SAFE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/

/** Whether `value` can be sent in an HTTP header without being altered or refused. */
export function isHeaderSafe(value: string): boolean {
  return HEADER_SAFE.test(value)
}

/**
 * Refuses a credential option that would travel in a header (an API key, a secret) when it cannot: a `ConfigError`
 * naming the option (and its environment variable) whose message never contains the value. Returns the value.
 */
export function assertHeaderSafeOption(value: string, where: { field: string; envName?: string; provider: string; packageName: string }): string {
  if (isHeaderSafe(value)) return value
  const source = where.envName ? `${where.field} (or ${where.envName})` : where.field
  throw new ConfigError(
    `${where.packageName}: ${source} contains characters that cannot be sent in an HTTP header (CR, LF, control or non-ASCII) — copy it again without line breaks or look-alike characters. Nothing was sent.`,
    { provider: where.provider, field: where.field },
  )
}

/** Who handed the engine a token set: a flow step (the provider's answer) or the user (`setTokens()`, an option). */
export type TokenSource = { kind: 'flow'; step: 'acquire' | 'renew' } | { kind: 'user'; where: string; option?: string }

interface Label {
  provider: string
  packageName: string
}

/**
 * Checks a token set before the engine stores or sends anything from it: non-empty header-safe string tokens, an
 * `expiresAt` that is a finite epoch-ms number, `meta` a plain object of primitives. Throws a typed error naming the
 * source and the field — `ResponseShapeError` for a flow's answer, `ConfigError` for the user's — whose message never
 * contains the value.
 */
export function checkTokenSet(value: unknown, source: TokenSource, label: Label): void {
  const fail = (field: string, problem: string): AuthError => {
    if (source.kind === 'flow') {
      return new ResponseShapeError(
        `${label.packageName}: the ${label.provider} flow's ${source.step}() returned a token set whose ${field} ${problem}; nothing was stored or sent. The provider's answer may have changed, or the flow has a bug: please report it.`,
        { provider: label.provider, field },
      )
    }
    return new ConfigError(`${label.packageName}: ${source.where} got a token set whose ${field} ${problem}.`, {
      provider: label.provider,
      field: source.option ? `${source.option}.${field}` : field,
    })
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw fail('value', 'is not an object')
  const tokens = value as Record<string, unknown>
  const accessToken = tokens.accessToken
  if (typeof accessToken !== 'string' || accessToken === '') throw fail('accessToken', 'is missing or not a non-empty string')
  if (!isHeaderSafe(accessToken)) throw fail('accessToken', 'contains characters that cannot be sent in an HTTP header (CR, LF, control or non-ASCII)')
  const refreshToken = tokens.refreshToken
  if (refreshToken !== undefined) {
    if (typeof refreshToken !== 'string' || refreshToken === '') throw fail('refreshToken', 'is not a non-empty string')
    if (!isHeaderSafe(refreshToken)) throw fail('refreshToken', 'contains characters that cannot be sent (CR, LF, control or non-ASCII)')
  }
  const expiresAt = tokens.expiresAt
  if (expiresAt !== undefined && (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt))) {
    throw fail('expiresAt', 'is not a finite epoch-ms number (leave it undefined when the expiry is unknown)')
  }
  const meta = tokens.meta
  if (meta === undefined) return
  if (!meta || typeof meta !== 'object' || Object.getPrototypeOf(meta) !== Object.prototype) throw fail('meta', 'is not a plain object')
  for (const [key, entry] of Object.entries(meta)) {
    const ok = entry === null || typeof entry === 'string' || typeof entry === 'boolean' || (typeof entry === 'number' && Number.isFinite(entry))
    if (!ok) throw fail(`meta.${key}`, 'is not a string, finite number, boolean or null')
  }
}
