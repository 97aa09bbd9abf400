import type { Session } from '@authmux/core'
import { type ProjectXEmulator, startProjectXEmulator } from '@authmux/testkit'
import type { ILogger } from '@microsoft/signalr'
import { afterEach } from 'vitest'
import {
  createProjectXAuth,
  hubConnection,
  type ProjectXAuthOptions,
  type ProjectXHub,
  type ProjectXHubAuth,
  type ProjectXHubEventMap,
  type ProjectXHubName,
  type ProjectXHubOptions,
} from '../../signalr'

// Shared by the hub suites: an emulator per test, strategies on its clock, hubs driven by the real SignalR client,
// with every lifecycle event and every SignalR log line kept (the canaries read them).

const emulators: ProjectXEmulator[] = []
const sessions: Session[] = []
const hubs: ProjectXHub[] = []

/** Registers the cleanup of everything below with the calling suite. */
export function cleanUpHubs(): void {
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((hub) => hub.stop()))
    for (const session of sessions.splice(0)) session.dispose()
    await Promise.all(emulators.splice(0).map((emu) => emu.close()))
  })
}

type StreamOptions = NonNullable<Parameters<typeof startProjectXEmulator>[0]>['streams']

/** A ProjectX emulator (no periodic pushes) and a strategy logged into it on its clock. */
export async function setup(streams: StreamOptions = {}, options: ProjectXAuthOptions = {}) {
  const emu = await startProjectXEmulator({
    startMs: Date.UTC(2026, 0, 5, 9),
    rateLimit: { limit: 100_000, windowSeconds: 60 },
    streams: { pushIntervalMs: 0, ...streams },
  })
  emulators.push(emu)
  const projectx = createProjectXAuth({
    username: emu.credentials.userName,
    apiKey: emu.credentials.apiKey,
    baseURL: emu.url,
    now: () => emu.clock.now(),
    retry: { maxRetries: 0 },
    env: false,
    ...options,
  })
  sessions.push(projectx)
  return { emu, projectx }
}

export type Recorded = { type: keyof ProjectXHubEventMap; event: unknown }

/** A hub with short backoff, its lifecycle events and its (redacted) SignalR log lines recorded. */
export function open<H extends ProjectXHubName>(projectx: ProjectXHubAuth, name: H, options: ProjectXHubOptions = {}) {
  const lines: string[] = []
  const logger: ILogger = { log: (_level, message) => lines.push(message) }
  const hub = hubConnection(projectx, name, { reconnect: { baseDelayMs: 5, maxDelayMs: 20 }, logger, ...options })
  hubs.push(hub)
  const events: Recorded[] = []
  for (const type of ['open', 'reconnecting', 'close', 'error', 'logout'] as const) hub.onLifecycle(type, (event) => events.push({ type, event }))
  const ofType = <E extends keyof ProjectXHubEventMap>(type: E) => events.filter((e) => e.type === type).map((e) => e.event as ProjectXHubEventMap[E])
  return { hub, events, ofType, lines }
}

/** Requests the HTTP emulator saw on `path` (e.g. `/api/Auth/validate`). */
export const calls = (emu: ProjectXEmulator, path: string) => emu.requests.list().filter((r) => r.path === path).length

/** Waits (real time) until `condition` holds. */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2))
}

/** Lets several reconnect delays (5–20 ms) pass, to show that nothing more happens. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 100))
