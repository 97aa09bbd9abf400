import { createSession, type Session } from '@authmux/core'
import type { z } from 'zod'
import { createKeySecretJwtFlow } from './flow'
import type { KeySecretJwtConfig } from './types'

/**
 * Exchanges configured credentials for a JWT at `loginPath`, re-exchanges (or revalidates) it before expiry and
 * attaches it to every request on `baseURL`. The engine in `@authmux/core` owns refresh, retry, single flight,
 * 401 replay, 429 waits and redaction.
 *
 * @example
 * const auth = createKeySecretJwtAuth({
 *   name: 'myexchange',
 *   baseURL: 'https://api.example.com/v1',
 *   loginPath: '/auth/login',
 *   loginBody: () => ({ key, secret }),
 *   responseSchema: z.object({ token: z.string(), expires_at: z.string() }),
 *   tokenField: 'token',
 *   expiresAtField: 'expires_at',
 *   secrets: [key, secret],
 * })
 */
export function createKeySecretJwtAuth<S extends z.ZodType, R extends z.ZodType = z.ZodType>(config: KeySecretJwtConfig<S, R>): Session {
  // The config is also the session's options: the engine reads only its `SessionOptions` fields.
  return createSession(createKeySecretJwtFlow(config), config)
}
