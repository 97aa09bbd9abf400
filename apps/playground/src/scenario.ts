import type { ProviderStats } from '@authmux/testkit'
import { createBot, type Bot } from './bot'
import { ClockDriver } from './clock-driver'
import { startEmulatedWorld, SCENARIO_TOKEN_SECONDS, type EmulatedWorld } from './emulated'
import { FAULT_PLAN, type FaultOutcome } from './faults'
import { PROVIDER_NAMES, type ProviderName } from './providers'
import type { View } from './report/view'
import { openStoreLocation } from './store'
import { runStreamFaults, streamEmulatorStats, type StreamEmulatorStats, type StreamFaultOutcome } from './stream-faults'
import { type BotStreams, openStreams, type StreamRow } from './streams'
import { formatSeconds, Tracker, type ProviderRow } from './tracker'
import { sleep, Traffic } from './traffic'

/** Timing of the scripted run. The whole run takes about 15–20 s of real time. */
export interface ScenarioTiming {
  /** Virtual ms per real ms while the bot runs (token lifetimes are `SCENARIO_TOKEN_SECONDS` virtual seconds). */
  clockSpeed: number
  /** Pause between two requests of one provider, in real ms. */
  requestPauseMs: number
  /** Steady traffic before the faults, in real ms. */
  steadyMs: number
  /** Longest time for every scripted fault to play out, in real ms. */
  faultsMaxMs: number
  /** How long the stream emulators refuse upgrades (with 503) in the last stream fault, in real ms. */
  refuseUpgradesMs: number
  /** Steady traffic after the faults, in real ms. */
  cooldownMs: number
  /** Probe requests per provider on the second start. */
  secondStartRequests: number
}

export const DEFAULT_TIMING: ScenarioTiming = {
  clockSpeed: 25,
  requestPauseMs: 120,
  steadyMs: 5_000,
  faultsMaxMs: 12_000,
  refuseUpgradesMs: 3_000,
  cooldownMs: 1_500,
  secondStartRequests: 3,
}

/** Everything the run observed; `expectations.ts` judges it. */
export interface ScenarioResult {
  durationMs: number
  storeDir: string
  /** Extra virtual time the clock was moved forward, in ms. */
  virtualAdvancedMs: number
  tokenLifetimeSeconds: number
  otpReads: number
  first: {
    rows: ProviderRow[]
    renewals: Record<ProviderName, number>
    emulator: Record<ProviderName, ProviderStats>
    /** Tokens renewed at shutdown because they were about to enter their refresh window. */
    handedOver: ProviderName[]
  }
  faults: FaultOutcome[]
  /** Bot 1's realtime streams at the end of its run, with what the emulators' stream logs say about each. */
  streams: { row: StreamRow; emulator: StreamEmulatorStats }[]
  streamFaults: StreamFaultOutcome[]
  second: {
    rows: ProviderRow[]
    /** Logins the emulators counted during the second start. */
    emulatorLogins: Record<ProviderName, number>
  }
}

export interface ScenarioOptions {
  view: View
  storeDir?: string
  timing?: Partial<ScenarioTiming>
  /** Receives every secret the run handled (demo credentials, codes, tokens) — only for the test canary. */
  onSecrets?: (secrets: string[]) => void
}

/**
 * The scripted run: emulators up, bot 1 logs in everywhere and opens its realtime streams, serves steady traffic while
 * tokens are renewed ahead of expiry, rides out a 401, a 429 and a 503 burst per provider, then the stream faults
 * (every socket dropped, tokens rotated while connected, upgrades refused for 3 s), stops; bot 2 starts on the same
 * file store and must not log in anywhere.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const timing = { ...DEFAULT_TIMING, ...options.timing }
  const { view } = options
  const started = performance.now()
  const secrets = new Set<string>()
  view.phase('starting the five emulators (testkit, loopback)')
  const world = await startEmulatedWorld()
  const location = await openStoreLocation(options.storeDir)
  const clock = new ClockDriver(world.emulators.clock, { speed: timing.clockSpeed })
  let streams: BotStreams | undefined
  try {
    view.line(`token store: ${location.dir} (AES-256-GCM, key generated on first use)`)
    view.line(`token lifetimes: ${SCENARIO_TOKEN_SECONDS} s (virtual clock, ${timing.clockSpeed}× real time while the bot runs)`)

    // ── bot 1 ───────────────────────────────────────────────────────────────────────────────────────────────────
    const bot1 = createBot({ targets: world.targets, store: location.open(), now: world.now })
    const tracker1 = new Tracker(bot1.strategies, world.now)
    collectTokens(bot1, secrets)
    const header = (label: string) => () =>
      `${label} · virtual clock +${formatSeconds(clock.advancedMs)} · ${((performance.now() - started) / 1000).toFixed(1)}s`
    view.watch(tracker1, header('bot 1'))
    view.phase('bot 1: log in to every provider (Axiom reads its code from the emulator inbox)')
    await Promise.all(bot1.providers.map(async (p) => tracker1.record(p, await bot1.call(p))))

    view.phase('bot 1: realtime streams — ProjectX market + user hubs, TradeReady ticker, Axiom new_pairs')
    streams = await openStreams(bot1, tracker1, { reconnect: STREAM_RECONNECT })
    for (const s of streams.skipped) view.line(`the ${s.stream} stream did not start: ${s.why}`)

    const traffic = new Traffic({ bot: bot1, tracker: tracker1, emulators: world.emulators, pauseMs: timing.requestPauseMs })
    view.phase('bot 1: steady traffic, tokens renewed ahead of expiry in the background')
    clock.start()
    traffic.start()
    await sleep(timing.steadyMs)

    view.phase('bot 1: scripted faults — 401, 429 (Retry-After 1 s), 503 burst')
    traffic.schedule(FAULT_PLAN)
    const deadline = performance.now() + timing.faultsMaxMs
    while (!traffic.faultsSettled() && performance.now() < deadline) await sleep(100)

    view.phase(`bot 1: stream faults — every socket dropped, tokens rotated while connected, upgrades refused for ${timing.refuseUpgradesMs / 1000} s (503)`)
    const streamFaults = await runStreamFaults({ bot: bot1, streams, emulators: world.emulators, view, refuseMs: timing.refuseUpgradesMs })

    view.phase('bot 1: steady traffic after the faults')
    await sleep(timing.cooldownMs)
    await traffic.stop()
    clock.stop()
    const handedOver = await handOver(bot1, world)
    if (handedOver.length) view.line(`bot 1 stops: renewed ${handedOver.join(', ')} (about to enter the refresh window) so the restart finds fresh tokens`)
    else view.line('bot 1 stops')
    const first = {
      rows: tracker1.snapshot(),
      renewals: perProvider((p) => tracker1.renewals(p)),
      emulator: perProvider((p) => world.emulators.stats.get(p)),
      handedOver,
    }
    const streamResults = tracker1.streamSnapshot().map((row) => ({ row, emulator: streamEmulatorStats(world.emulators, row.name, row.subscriptions) }))
    tableIfPlain(view)
    view.stop()
    await streams.close()
    bot1.dispose()
    tracker1.close()

    // ── bot 2: a restart on the same file store ─────────────────────────────────────────────────────────────────
    view.phase('bot 2: a second start on the same file store — stored tokens, no logins')
    const loginsBefore = world.emulatorLogins()
    const bot2 = createBot({ targets: world.targets, store: location.open(), now: world.now })
    const tracker2 = new Tracker(bot2.strategies, world.now)
    collectTokens(bot2, secrets)
    view.watch(tracker2, header('bot 2'))
    for (let i = 0; i < timing.secondStartRequests; i++) {
      await Promise.all(bot2.providers.map(async (p) => tracker2.record(p, await bot2.call(p))))
    }
    const loginsAfter = world.emulatorLogins()
    if (options.onSecrets) await collectStored(bot2, secrets)
    const second = { rows: tracker2.snapshot(), emulatorLogins: perProvider((p) => loginsAfter[p] - loginsBefore[p]) }
    tableIfPlain(view)
    view.stop()
    bot2.dispose()
    tracker2.close()

    const otpReads = world.otpReads
    for (const s of world.secrets()) secrets.add(s)
    options.onSecrets?.([...secrets])
    return {
      durationMs: performance.now() - started,
      storeDir: location.dir,
      virtualAdvancedMs: clock.advancedMs,
      tokenLifetimeSeconds: SCENARIO_TOKEN_SECONDS,
      otpReads,
      first,
      faults: traffic.outcomes,
      streams: streamResults,
      streamFaults,
      second,
    }
  } finally {
    clock.stop()
    await streams?.close()
    await world.close()
    if (options.storeDir === undefined) await location.cleanup()
  }
}

/** Short reconnect delays, so a refusal of a few seconds costs about that long (the default starts at 500 ms, caps at 30 s). */
const STREAM_RECONNECT = { baseDelayMs: 100, maxDelayMs: 1_000 }

/**
 * Before bot 1 exits, renews any token within 15 virtual seconds of its refresh point, as a bot would on a graceful
 * shutdown; otherwise a restart a moment later would have to renew it (for TradeReady, which has no refresh
 * endpoint, that renewal is a login).
 */
async function handOver(bot: Bot, world: EmulatedWorld): Promise<ProviderName[]> {
  const renewed: ProviderName[] = []
  for (const name of bot.providers) {
    const strategy = bot.strategies[name]!
    const expiresAt = strategy.expiresAt
    if (expiresAt === undefined) continue
    const issuedAt = typeof strategy.meta?.issuedAt === 'number' ? strategy.meta.issuedAt : undefined
    const refreshAt = issuedAt !== undefined ? issuedAt + (expiresAt - issuedAt) / 2 : expiresAt - 60_000
    if (refreshAt - world.now() < 15_000) {
      await strategy.refresh()
      renewed.push(name)
    }
  }
  return renewed
}

/** Keeps every token the bot ever held, for the canary check. */
function collectTokens(bot: Bot, secrets: Set<string>): void {
  for (const name of bot.providers) {
    const strategy = bot.strategies[name]!
    const grab = () => {
      if (strategy.accessToken) secrets.add(strategy.accessToken)
    }
    strategy.on('login', grab)
    strategy.on('refresh', grab)
  }
}

/** The token sets in the store (refresh tokens included), for the canary check. */
async function collectStored(bot: Bot, secrets: Set<string>): Promise<void> {
  const store = bot.store
  for (const name of bot.providers) {
    const stored = await store.get(await bot.strategies[name]!.storeKey())
    if (stored?.accessToken) secrets.add(stored.accessToken)
    if (stored?.refreshToken) secrets.add(stored.refreshToken)
  }
}

function tableIfPlain(view: View): void {
  const maybe = view as View & { table?: () => void }
  maybe.table?.()
}

function perProvider<T>(fn: (p: ProviderName) => T): Record<ProviderName, T> {
  return Object.fromEntries(PROVIDER_NAMES.map((p) => [p, fn(p)])) as Record<ProviderName, T>
}
