import { ConfigError, type LoginLimitOptions } from '@authmux/core'
import { PACKAGE_NAME } from '../../package-name'
import { TRADEREADY_LOGIN_QUOTA_PER_MINUTE } from './constants'

/** TradeReady's client login limiter: 4 attempts a minute by default, never more than the server's 5 a minute. */
export function tradeReadyLoginLimit(options: LoginLimitOptions | undefined): LoginLimitOptions {
  const limit = { maxAttempts: 4, perMs: 60_000, ...options }
  const windowsPerMinute = Math.ceil(60_000 / Math.max(1, limit.perMs))
  if (limit.maxAttempts * windowsPerMinute > TRADEREADY_LOGIN_QUOTA_PER_MINUTE) {
    throw new ConfigError(
      `${PACKAGE_NAME}: loginLimit allows more than ${TRADEREADY_LOGIN_QUOTA_PER_MINUTE} TradeReady logins a minute (the server's per-IP quota) — use at most { maxAttempts: 5, perMs: 60000 }.`,
      { provider: 'tradeready', field: 'loginLimit' },
    )
  }
  return limit
}
