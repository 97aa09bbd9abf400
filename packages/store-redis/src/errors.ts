import { StoreError, type StoreErrorOptions } from './deps'
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

/**
 * Replies Redis gives while it is not ready to serve — restarting, replica sync, a cluster slot without a master, a
 * demoted master (READONLY), redirections ioredis gave up following — treated as "unavailable".
 */
const TRANSIENT_REPLIES = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|READONLY|MOVED|ASK|UNBLOCKED|NOREPLICAS)\b/

/** A short, secret-free reason: the errno or ioredis' own wording, never the command's arguments. */
function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code
  if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code
  const message = error instanceof Error ? error.message : ''
  if (/timed out/i.test(message)) return 'command timed out'
  // ioredis' MaxRetriesPerRequestError: "Reached the max retries per request limit …"
  if (/max retries per request/i.test(message)) return 'connection lost'
  // ioredis' Cluster: "Too many Cluster redirections. Last error: …" while a slot has no reachable master.
  if (/redirections/i.test(message)) return 'cluster failing over'
  if (/closed|writeable|ECONNREFUSED|isn't ready/i.test(message)) return 'not connected'
  return TRANSIENT_REPLIES.exec(message)?.[1] ?? 'unreachable'
}

/**
 * Turns an ioredis failure (never a `StoreError`) into a typed `StoreError` (never carrying values or the URL's password): a
 * `RedisUnavailableError` when Redis did not answer (or answered "not ready"), `STORE_IO` when it answered with an error.
 */
export function toStoreError(error: unknown, what: string, location: string): StoreError {
  const prefix = `${PACKAGE_NAME}: Redis at ${location}`
  if (error instanceof Error && error.name === 'ReplyError' && !TRANSIENT_REPLIES.test(error.message)) {
    return new StoreError(`${prefix} refused to ${what} (${error.message.split(' ')[0]}) — check the Redis user's permissions and the prefix.`, {
      code: 'STORE_IO',
      location,
      cause: error,
    })
  }
  return new RedisUnavailableError(`${prefix} is unavailable (${reasonOf(error)}) to ${what} — check that Redis runs and the URL is right.`, {
    location,
    cause: error,
  })
}
