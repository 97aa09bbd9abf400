import { StoreError, type StoreErrorOptions } from '@authmux/core'
import { PACKAGE_NAME } from './options'

/**
 * Redis could not be reached (refused, timed out, connection lost, still loading). Code `STORE_UNAVAILABLE`. The engine keeps
 * serving a still-valid token and reports it as an `'error'` event; it never logs out because of it.
 */
export class RedisUnavailableError extends StoreError {
  override name = 'RedisUnavailableError'
  constructor(message: string, options: Omit<StoreErrorOptions, 'code'>) {
    super(message, { ...options, code: 'STORE_UNAVAILABLE' })
  }
}

/** Replies Redis gives while it is not ready to serve (restarting, replica sync …): treated as "unavailable". */
const TRANSIENT_REPLIES = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)\b/

/** True when `error` means "Redis did not answer" rather than "Redis answered with an error". */
export function isConnectionProblem(error: unknown): boolean {
  if (!(error instanceof Error)) return true
  if (error.name === 'ReplyError') return TRANSIENT_REPLIES.test(error.message)
  return true
}

/** A short, secret-free reason: the errno or ioredis' own wording, never the command's arguments. */
function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code
  if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code
  const message = error instanceof Error ? error.message : ''
  if (/timed out/i.test(message)) return 'command timed out'
  if (/max retries per request/i.test(message) || /MaxRetriesPerRequest/.test((error as Error)?.name ?? '')) return 'connection lost'
  if (/closed|writeable|ECONNREFUSED/i.test(message)) return 'not connected'
  if (TRANSIENT_REPLIES.test(message)) return message.split(' ')[0]!
  return 'unreachable'
}

/** Turns an ioredis failure into a typed `StoreError` (never carrying values or the URL's password). */
export function toStoreError(error: unknown, what: string, location: string): StoreError {
  if (error instanceof StoreError) return error
  if (isConnectionProblem(error)) {
    return new RedisUnavailableError(
      `${PACKAGE_NAME}: Redis at ${location} is unavailable (${reasonOf(error)}) while trying to ${what} — check that Redis is running and AUTHMUX_REDIS_URL is right; tokens already in memory keep working.`,
      { location, cause: error },
    )
  }
  const reply = error instanceof Error ? error.message.split(' ')[0] : 'error'
  return new StoreError(`${PACKAGE_NAME}: Redis at ${location} refused to ${what} (${reply}) — check the Redis user's permissions and the key prefix.`, {
    code: 'STORE_IO',
    location,
    cause: error,
  })
}
