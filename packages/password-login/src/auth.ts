import { createSession } from '@authmux/core'
import type { Session } from '@authmux/core'
import { createPasswordLoginFlow } from './generic'
import type { PasswordLoginConfig } from './types'

/**
 * The generic password-login style: email + password, an optional one-time-code step, tokens from cookies or the
 * body, a refresh endpoint, tokens attached as cookies or a header. The engine logs in lazily on the first request,
 * refreshes ahead of expiry, persists to `store` and falls back to a new login when the refresh token is rejected.
 * The config is also the engine's `SessionOptions` (the engine reads only those fields and keeps them private).
 */
export function createPasswordLoginAuth(config: PasswordLoginConfig): Session {
  return createSession(createPasswordLoginFlow(config), config)
}
