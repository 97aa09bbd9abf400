import { extendSession } from '@authmux/core/provider'
import { type ProjectXAuth, type ProjectXAuthOptions, projectXExtras, projectXSession } from './auth'
import { hubConnection } from './hub'
import type { ProjectXHub, ProjectXHubOptions } from './hub-types'
import type { ProjectXHubName } from './hub-url'

/** A ProjectX strategy with its SignalR hubs (`@authmux/key-secret-jwt/signalr`). */
export interface ProjectXHubAuth extends ProjectXAuth {
  /** `hubConnection(this, hub, options)`: a `'user'` or `'market'` hub on this strategy's current token. */
  hubConnection<H extends ProjectXHubName>(hub: H, options?: ProjectXHubOptions): ProjectXHub<H>
}

/**
 * `createProjectXAuth` of the main entry, plus `hubConnection(hub, options?)`. It lives in the `/signalr` entry with
 * `@microsoft/signalr` (an optional peer), so the main entry never loads the SignalR client.
 */
export function createProjectXAuth(options: ProjectXAuthOptions = {}): ProjectXHubAuth {
  const { strategy, accountName } = projectXSession(options)
  const hubs = { hubConnection: <H extends ProjectXHubName>(hub: H, hubOptions?: ProjectXHubOptions) => hubConnection(strategy, hub, hubOptions) }
  return extendSession(strategy, Object.assign(projectXExtras(strategy, accountName), hubs))
}
