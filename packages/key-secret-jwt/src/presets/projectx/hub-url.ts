import { ConfigError, InsecureTransportError, isLoopbackHost } from '@authmux/core'
import { PACKAGE_NAME } from '../../package-name'

/** The two ProjectX Gateway hubs: account/order/position/trade events, and market data. */
export type ProjectXHubName = 'user' | 'market'

/**
 * The realtime host of a ProjectX REST host, where the Gateway's naming says it: TopstepX `api.topstepx.com` →
 * `rtc.topstepx.com`, `gateway-api-<env>.s2f.projectx.com` → `gateway-rtc-<env>…`, `api.<firm>.projectx.com` →
 * `rtc.<firm>.projectx.com`. Any other host (an emulator, a proxy) serves its hubs itself.
 */
function realtimeHost(hostname: string): string {
  if (hostname === 'api.topstepx.com') return 'rtc.topstepx.com'
  const gateway = /^gateway-api-(.+\.projectx\.com)$/i.exec(hostname)
  if (gateway) return `gateway-rtc-${gateway[1]}`
  const firm = /^api\.(.+\.projectx\.com)$/i.exec(hostname)
  return firm ? `rtc.${firm[1]}` : hostname
}

/**
 * The hub URL for a REST base URL: `/hubs/user` or `/hubs/market` at the origin root of the realtime host (see
 * `realtimeHost`), in the `https://` form the SignalR client takes (it switches to `wss://` itself).
 */
export function projectXHubURL(baseURL: string, hub: ProjectXHubName): string {
  const base = new URL(baseURL)
  return `${base.protocol}//${realtimeHost(base.hostname)}${base.port ? `:${base.port}` : ''}/hubs/${hub}`
}

/**
 * Checks a hub URL before any token goes to it: absolute http(s) or ws(s), https/wss unless the host is loopback (or
 * `allowInsecure`), and no token of its own (the hub adds the current token on every connect; one in the URL would be
 * sent after it expired).
 */
export function checkedHubURL(url: string, allowInsecure: boolean): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new ConfigError(`${PACKAGE_NAME}: the ProjectX hub url is not an absolute URL — pass e.g. https://rtc.topstepx.com/hubs/user.`, {
      provider: 'projectx',
      field: 'url',
    })
  }
  if (!/^(http|ws)s?:$/.test(parsed.protocol)) {
    throw new ConfigError(`${PACKAGE_NAME}: the ProjectX hub url must be http(s) or ws(s), not ${parsed.protocol}.`, { provider: 'projectx', field: 'url' })
  }
  if (parsed.searchParams.has('access_token')) {
    throw new ConfigError(
      `${PACKAGE_NAME}: the ProjectX hub url carries an access_token — remove it: the hub sends the current token on every (re)connect, and one frozen into the URL would outlive its expiry.`,
      { provider: 'projectx', field: 'url' },
    )
  }
  const secure = parsed.protocol === 'https:' || parsed.protocol === 'wss:'
  if (!secure && !isLoopbackHost(parsed.hostname) && !allowInsecure) {
    throw new InsecureTransportError(
      `${PACKAGE_NAME}: refusing to send the ProjectX token over ${parsed.protocol} to ${parsed.host}. Use https:, or pass allowInsecure: true if you really mean it.`,
      { provider: 'projectx' },
    )
  }
  return parsed.href
}
