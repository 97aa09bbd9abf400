/**
 * `@authmux/key-secret-jwt/signalr`: ProjectX Gateway hubs on the real `@microsoft/signalr` client. SignalR is an
 * optional peer dependency, so the hubs live in this entry and the main entry never loads the client: its
 * `createProjectXAuth` is the main entry's plus `hubConnection(hub)`; `hubConnection(projectx, hub)` takes a strategy
 * made anywhere (the main entry, `/node`'s `fromEnv()`).
 *
 * ```ts
 * import { createProjectXAuth } from '@authmux/key-secret-jwt/signalr'
 *
 * const projectx = createProjectXAuth({ username, apiKey })
 * const user = projectx.hubConnection('user')
 * ```
 */
export { createProjectXAuth, type ProjectXHubAuth } from './presets/projectx/with-hubs'
export type { ProjectXAuthOptions } from './presets/projectx/auth'
export { hubConnection } from './presets/projectx/hub'
export { projectXHubURL, type ProjectXHubName } from './presets/projectx/hub-url'
export type { HubWebSocketConstructor } from './presets/projectx/hub-socket'
export type {
  HubArgs,
  ProjectXHub,
  ProjectXHubEventMap,
  ProjectXHubEvents,
  ProjectXHubMethods,
  ProjectXHubOptions,
  ProjectXHubSubscription,
  ProjectXUserEvent,
} from './presets/projectx/hub-types'
