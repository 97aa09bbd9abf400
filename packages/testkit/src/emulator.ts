import { createClock, type VirtualClock, type VirtualClockOptions } from './clock.js'
import { createFaults, type FaultController } from './faults.js'
import type { ProviderDefinition } from './http-types.js'
import { createInbox, type InboxWriter } from './inbox.js'
import { createRequestLog, type RequestLog } from './request-log.js'
import { scopeFaults, scopeRequests, scopeStats } from './scoped.js'
import { serveProvider, type SharedControls } from './server.js'
import { createStats, type StatsController } from './stats.js'
import type { ProviderName } from './types.js'

/** What every single-provider emulator handle has. */
export interface EmulatorHandle<C> {
  /** Base URL a preset uses (origin + the provider's API prefix, e.g. `http://127.0.0.1:4104/api/v1`). */
  url: string
  /** `http://127.0.0.1:PORT` */
  origin: string
  port: number
  /** Demo credentials that log in. */
  credentials: C
  /** The virtual clock (shared with the other emulators of a `startEmulators()` call). */
  clock: VirtualClock
  /** Fault injection; rules default to this provider. */
  faults: FaultController
  /** Request log (credentials redacted); lists this provider by default. */
  requests: RequestLog
  /** Counters; `stats.get()` reads this provider. */
  stats: StatsController
  /** Stop listening and drop open connections. */
  close(): Promise<void>
}

/** Options common to every single-provider starter. */
export interface StartOptions extends VirtualClockOptions {
  /** Port on 127.0.0.1 (default 0 = random free port). */
  port?: number
  /** Interface to listen on (default `127.0.0.1`). */
  host?: string
  /** Use this clock instead of creating one (to share time between emulators). */
  clock?: VirtualClock
  /**
   * Derive the generated credentials (API keys, secrets, account ids) from this text: the same seed gives the same
   * credentials on every start and every machine. Default: random ones on every start.
   */
  seed?: string
}

/** The shared controls plus the inbox, created once per `startEmulators()` (or per single emulator). */
export interface SharedState extends SharedControls {
  inbox: InboxWriter
}

/** Create fresh shared state. */
export function createSharedState(options: StartOptions = {}): SharedState {
  return {
    clock: options.clock ?? createClock(options),
    faults: createFaults(),
    requests: createRequestLog(),
    stats: createStats(),
    inbox: createInbox(),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  }
}

/** Serve a built provider on its own origin and wrap it in a handle with provider-scoped views. */
export async function listen<C, X extends object>(
  name: ProviderName,
  shared: SharedState,
  built: { definition: ProviderDefinition; credentials: C; controls: X },
  options: { port?: number; host?: string } = {},
): Promise<EmulatorHandle<C> & X> {
  const server = await serveProvider(built.definition, shared, options)
  const handle: EmulatorHandle<C> = {
    url: server.origin + built.definition.basePath,
    origin: server.origin,
    port: server.port,
    credentials: built.credentials,
    clock: shared.clock,
    faults: scopeFaults(shared.faults, name),
    requests: scopeRequests(shared.requests, name),
    stats: scopeStats(shared.stats, name),
    close: server.close,
  }
  return Object.assign(handle, built.controls)
}
