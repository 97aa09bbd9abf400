import { ConfigError } from '@authmux/core'
import type { VirtualClock } from './clock.js'
import { createSharedState, listen, type EmulatorHandle, type StartOptions } from './emulator.js'
import type { FaultController } from './faults.js'
import type { Inbox } from './inbox.js'
import { createAionMarketEmulator, type AionMarketControls, type AionMarketCredentials, type AionMarketEmulatorOptions } from './providers/aionmarket.js'
import { createApalaEmulator, type ApalaControls, type ApalaCredentials, type ApalaEmulatorOptions } from './providers/apala.js'
import { createAxiomEmulator, type AxiomControls, type AxiomCredentials, type AxiomEmulatorOptions } from './providers/axiom.js'
import { createProjectXEmulator, type ProjectXControls, type ProjectXCredentials, type ProjectXEmulatorOptions } from './providers/projectx.js'
import { createTradeReadyEmulator, type TradeReadyControls, type TradeReadyCredentials, type TradeReadyEmulatorOptions } from './providers/tradeready.js'
import type { RequestLog } from './request-log.js'
import type { StatsController } from './stats.js'
import type { DropOptions } from './streams/host.js'
import { PROVIDERS, type ProviderName } from './types.js'

/** Token lifetimes per provider, in seconds. AionMarket keys do not expire. */
export interface Lifetimes {
  axiom?: { accessSeconds?: number }
  projectx?: { accessSeconds?: number }
  tradeready?: { accessSeconds?: number }
  apala?: { accessSeconds?: number; refreshSeconds?: number }
}

/** Options of `startEmulators()`. */
export interface StartEmulatorsOptions extends Omit<StartOptions, 'port'> {
  /** Port per provider (0 = random; default 0 for each). */
  ports?: Partial<Record<ProviderName, number>>
  /**
   * Fixed ports `portBase + 1` … `portBase + 5` (axiom, aionmarket, projectx, tradeready, apala). `ports` wins
   * per provider. The CLI uses 4100.
   */
  portBase?: number
  /** Token lifetimes (seconds). */
  lifetimes?: Lifetimes
  axiom?: AxiomEmulatorOptions
  aionmarket?: AionMarketEmulatorOptions
  projectx?: ProjectXEmulatorOptions
  tradeready?: TradeReadyEmulatorOptions
  apala?: ApalaEmulatorOptions
}

/** Base URLs presets use. */
export interface EmulatorUrls {
  /** Origin root, e.g. `http://127.0.0.1:4101`. */
  axiom: string
  /** `http://127.0.0.1:P/bvapi` */
  aionmarket: string
  /** `http://127.0.0.1:P/api` */
  projectx: string
  /** `http://127.0.0.1:P/api/v1` */
  tradeready: string
  /** Origin root. */
  apala: string
}

/** Realtime endpoints (ws:// for the plain WebSockets, http:// for the SignalR hubs, as their clients take them). */
export interface EmulatorStreamUrls {
  /** `ws://127.0.0.1:P/ws/v1` (append `?api_key=…`). */
  tradeready: string
  /** `ws://127.0.0.1:P/` (cookie auth). */
  axiom: string
  /** `http://127.0.0.1:P/hubs/user` */
  projectxUser: string
  /** `http://127.0.0.1:P/hubs/market` */
  projectxMarket: string
}

/** The providers with a realtime endpoint. */
export type StreamProviderName = 'tradeready' | 'axiom' | 'projectx'

/** Demo credentials of every provider. */
export interface EmulatorCredentials {
  axiom: AxiomCredentials
  aionmarket: AionMarketCredentials
  projectx: ProjectXCredentials
  tradeready: TradeReadyCredentials
  apala: ApalaCredentials
}

/** Everything `startEmulators()` returns. Controls are shared: one clock, one fault list, one log, one set of counters. */
export interface Emulators {
  urls: EmulatorUrls
  /** Realtime endpoint URLs (controls: `tradeready.streams`, `axiom.streams`, `projectx.streams`). */
  streamUrls: EmulatorStreamUrls
  credentials: EmulatorCredentials
  clock: VirtualClock
  /** Axiom's one-time-code mailbox. */
  inbox: Inbox
  /** Fault injection across providers (`provider` in the rule picks one). */
  faults: FaultController
  /** Request log of every provider. */
  requests: RequestLog
  /** Counters per provider. */
  stats: StatsController
  /** Per-provider handles with their specific controls (add accounts, suspend, revoke, lifetimes …). */
  axiom: EmulatorHandle<AxiomCredentials> & AxiomControls
  aionmarket: EmulatorHandle<AionMarketCredentials> & AionMarketControls
  projectx: EmulatorHandle<ProjectXCredentials> & ProjectXControls
  tradeready: EmulatorHandle<TradeReadyCredentials> & TradeReadyControls
  apala: EmulatorHandle<ApalaCredentials> & ApalaControls
  /** Change token lifetimes for tokens issued from now on. */
  setLifetimes(lifetimes: Lifetimes): void
  /** Revoke every token of one provider (or of all). For AionMarket this revokes every API key. */
  revokeAllTokens(provider?: ProviderName): void
  /** Close every open realtime socket of one provider (or of all three); returns how many. */
  dropAllSockets(provider?: StreamProviderName, options?: DropOptions): number
  /** Stop all five servers. */
  close(): Promise<void>
}

const OFFSET: Record<ProviderName, number> = { axiom: 1, aionmarket: 2, projectx: 3, tradeready: 4, apala: 5 }

/**
 * Start all five emulators, each on its own origin on 127.0.0.1, sharing one virtual clock, fault list, request log
 * and counters.
 *
 * @example
 * const emu = await startEmulators()
 * const res = await fetch(`${emu.urls.tradeready}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ api_key: emu.credentials.tradeready.apiKey, api_secret: emu.credentials.tradeready.apiSecret }) })
 * await emu.close()
 */
export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<Emulators> {
  const shared = createSharedState(options)
  const lt = options.lifetimes ?? {}
  const portOf = (p: ProviderName) => options.ports?.[p] ?? (options.portBase !== undefined ? options.portBase + OFFSET[p] : 0)
  const host = options.host

  const axiomBuilt = await createAxiomEmulator(shared, { ...options.axiom, ...lt.axiom })
  const builds = {
    axiom: axiomBuilt,
    aionmarket: createAionMarketEmulator(shared, options.aionmarket),
    projectx: createProjectXEmulator(shared, { ...options.projectx, ...lt.projectx }),
    tradeready: createTradeReadyEmulator(shared, { ...options.tradeready, ...lt.tradeready }),
    apala: createApalaEmulator(shared, { ...options.apala, ...lt.apala }),
  }

  const started: { close(): Promise<void> }[] = []
  /** The provider being started, to name it when its port can't be had. */
  let starting: ProviderName = 'axiom'
  const start = async <C, X extends object>(
    name: ProviderName,
    built: { definition: import('./http-types.js').ProviderDefinition; credentials: C; controls: X },
  ) => {
    starting = name
    const handle = await listen(name, shared, built, { port: portOf(name), ...(host ? { host } : {}) })
    started.push(handle)
    return handle
  }
  try {
    const axiom = await start('axiom', builds.axiom)
    const aionmarket = await start('aionmarket', builds.aionmarket)
    const projectx = await start('projectx', builds.projectx)
    const tradeready = await start('tradeready', builds.tradeready)
    const apala = await start('apala', builds.apala)
    const handles = { axiom, aionmarket, projectx, tradeready, apala }
    return {
      urls: { axiom: axiom.url, aionmarket: aionmarket.url, projectx: projectx.url, tradeready: tradeready.url, apala: apala.url },
      streamUrls: {
        tradeready: tradeready.streams.url,
        axiom: axiom.streams.url,
        projectxUser: projectx.streams.userHubUrl,
        projectxMarket: projectx.streams.marketHubUrl,
      },
      credentials: {
        axiom: axiom.credentials,
        aionmarket: aionmarket.credentials,
        projectx: projectx.credentials,
        tradeready: tradeready.credentials,
        apala: apala.credentials,
      },
      clock: shared.clock,
      inbox: shared.inbox,
      faults: shared.faults,
      requests: shared.requests,
      stats: shared.stats,
      ...handles,
      setLifetimes(lifetimes) {
        if (lifetimes.axiom?.accessSeconds !== undefined) axiom.setAccessSeconds(lifetimes.axiom.accessSeconds)
        if (lifetimes.projectx?.accessSeconds !== undefined) projectx.setAccessSeconds(lifetimes.projectx.accessSeconds)
        if (lifetimes.tradeready?.accessSeconds !== undefined) tradeready.setAccessSeconds(lifetimes.tradeready.accessSeconds)
        if (lifetimes.apala?.accessSeconds !== undefined) apala.setAccessSeconds(lifetimes.apala.accessSeconds)
        if (lifetimes.apala?.refreshSeconds !== undefined) apala.setRefreshSeconds(lifetimes.apala.refreshSeconds)
      },
      revokeAllTokens(provider) {
        for (const name of provider ? [provider] : PROVIDERS) handles[name].revokeAllTokens()
      },
      dropAllSockets(provider, dropOptions) {
        const names: StreamProviderName[] = provider ? [provider] : ['tradeready', 'axiom', 'projectx']
        return names.reduce((sum, name) => sum + handles[name].streams.dropAll(dropOptions), 0)
      },
      async close() {
        await Promise.all(started.map((s) => s.close()))
      },
    }
  } catch (error) {
    await Promise.all(started.map((s) => s.close()))
    throw portError(error, starting, portOf(starting), host ?? '127.0.0.1') ?? error
  }
}

/**
 * A `ConfigError` naming the port, the provider and the fix when listening failed because the port is taken
 * (`EADDRINUSE`) or needs privileges (`EACCES`); undefined for any other failure.
 */
function portError(error: unknown, provider: ProviderName, port: number, host: string): ConfigError | undefined {
  const code = (error as NodeJS.ErrnoException)?.code
  const where = `port ${port} (${provider}) on ${host}`
  const fix = 'pick other ports (the ports / portBase options; --port-base N for authmux-emulators)'
  if (code === 'EADDRINUSE') {
    return new ConfigError(
      `@authmux/testkit: ${where} is already in use — stop what listens there (an earlier authmux-emulators? \`lsof -i :${port}\` shows it) or ${fix}.`,
      { field: 'ports', cause: error },
    )
  }
  if (code === 'EACCES') {
    return new ConfigError(`@authmux/testkit: no permission to listen on ${where} (ports below 1024 need privileges) — ${fix}.`, {
      field: 'ports',
      cause: error,
    })
  }
  return undefined
}
