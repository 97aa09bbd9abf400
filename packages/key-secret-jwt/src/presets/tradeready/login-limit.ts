import { ConfigError, type FleetLoginQuota, type LoginLimitOptions } from '@authmux/core'
import { PACKAGE_NAME } from '../../package-name'
import { TRADEREADY_LOGIN_QUOTA_PER_MINUTE } from './constants'

/** The server's login quota: 5 logins per minute per IP (`/auth/login` and `/auth/user-login` together). */
const SERVER_QUOTA: FleetLoginQuota = { maxLogins: TRADEREADY_LOGIN_QUOTA_PER_MINUTE, perMs: 60_000 }

/**
 * TradeReady's client login limiter: 4 attempts a minute per strategy by default, never more than the server's quota
 * (5 a minute per IP) — and that quota counted for the whole fleet when the store can (`fleetQuota`, on by default).
 * A `fleetQuota` you pass declares another server quota (an emulator with a shorter window, say); the per-strategy
 * limit is checked against it.
 */
export function tradeReadyLoginLimit(options: LoginLimitOptions | undefined): LoginLimitOptions {
  const limit = { maxAttempts: 4, perMs: 60_000, fleetQuota: SERVER_QUOTA, ...options }
  const quota = limit.fleetQuota || SERVER_QUOTA
  const windowsPerQuota = Math.ceil(quota.perMs / Math.max(1, limit.perMs))
  if (limit.maxAttempts * windowsPerQuota > quota.maxLogins) {
    throw new ConfigError(
      `${PACKAGE_NAME}: loginLimit allows more than ${quota.maxLogins} TradeReady logins in ${quota.perMs / 1000} s (the server's per-IP quota) — use at most { maxAttempts: ${quota.maxLogins}, perMs: ${quota.perMs} }.`,
      { provider: 'tradeready', field: 'loginLimit' },
    )
  }
  return limit
}
