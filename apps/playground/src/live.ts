import { join } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { createBot } from './bot'
import { readEnvFile } from './env-file'
import { isHealthy } from './expectations'
import { liveConfigFromEnv, type SkippedProvider } from './live-config'
import type { ProviderName } from './providers'
import { type StreamReport, streamReport } from './report/json'
import type { View } from './report/view'
import { openStoreLocation } from './store'
import { type BotStreams, openStreams, type StreamName, waitUntil } from './streams'
import { Tracker } from './tracker'
import { sleep } from './traffic'

/** The `--live --json` report. Counts and labels only. */
export interface LiveReport {
  ok: boolean
  mode: 'live'
  durationMs: number
  providers: Partial<
    Record<
      ProviderName,
      { logins: number; storeLoads: number; refreshes: number; requests: { ok: number; failed: number }; healthy: boolean; state: string; lastEvent: string }
    >
  >
  skipped: SkippedProvider[]
  /**
   * The realtime streams of the configured providers that have one. A stream problem is reported here (`errors`, no
   * message) but does not fail the run: the HTTP probes decide `ok`.
   */
  streams: Partial<Record<StreamName, StreamReport>>
  /** Streams left out although their provider is configured, and why. */
  skippedStreams: { stream: StreamName; why: string }[]
  notes: string[]
  failed: string[]
}

export interface LiveOptions {
  view: View
  storeDir?: string
  envFile?: string
  requests: number
  /** Whether a person can type Axiom's emailed code. */
  interactive: boolean
}

/** The same bot against the real services, for the providers whose credentials are in the environment or `.env`. */
export async function runLive(options: LiveOptions): Promise<LiveReport> {
  const started = performance.now()
  const { view } = options
  const envPath = options.envFile ?? join(process.env.INIT_CWD ?? process.cwd(), '.env')
  const fileEnv = readEnvFile(envPath)
  const env = { ...fileEnv, ...process.env }
  const prompt = options.interactive ? promptForCode : undefined
  const config = liveConfigFromEnv(env, prompt)

  view.phase('live mode: the real services')
  view.line(fileEnv ? `credentials: environment + ${envPath}` : `credentials: environment (no ${envPath})`)
  for (const s of config.skipped) view.line(`skipping ${s.provider}: missing ${s.missing.join(', ')} — ${s.why}`)
  for (const note of config.notes) view.line(`note: ${note}`)

  const report: LiveReport = {
    ok: false,
    mode: 'live',
    durationMs: 0,
    providers: {},
    skipped: config.skipped,
    streams: {},
    skippedStreams: [],
    notes: config.notes,
    failed: [],
  }
  if (config.configured.length === 0) {
    view.line('no provider has credentials: nothing to do (see the README for the variable names)')
    report.failed.push('no provider configured')
    report.durationMs = Math.round(performance.now() - started)
    return report
  }

  // Live tokens persist across runs: the store-file default (AUTHMUX_STORE_DIR or ~/.authmux) unless --store-dir.
  const location = options.storeDir ? await openStoreLocation(options.storeDir, { useEnv: true }) : undefined
  const { createFileTokenStore } = await import('@authmux/store-file')
  const store = location ? location.open() : createFileTokenStore()
  view.line(`token store: ${store.dir}`)
  const bot = createBot({ targets: config.targets, store })
  const tracker = new Tracker(bot.strategies, Date.now)
  view.watch(tracker, () => `live · ${((performance.now() - started) / 1000).toFixed(1)}s`)
  let streams: BotStreams | undefined
  try {
    for (let i = 0; i < options.requests; i++) {
      if (i > 0) await sleep(1_000)
      await Promise.all(bot.providers.map(async (p) => tracker.record(p, await bot.call(p))))
      // Streams once the first probes have logged in (the streams would log in themselves, but one login is enough).
      if (i === 0) {
        streams = await openStreams(bot, tracker)
        for (const s of streams.skipped) view.line(`skipping the ${s.stream} stream: ${s.why}`)
      }
    }
    // Give every stream the chance to show a first message (a quiet market may send none).
    const handles = [...(streams?.handles.values() ?? [])]
    await waitUntil(() => handles.every((h) => h.row.messages > 0 || h.row.state === 'failed'), LIVE_STREAM_WAIT_MS)
    for (const row of tracker.streamSnapshot()) report.streams[row.name] = streamReport(row)
    report.skippedStreams = streams?.skipped ?? []
  } finally {
    const maybe = view as View & { table?: () => void }
    maybe.table?.()
    view.stop()
    await streams?.close()
    bot.dispose()
    tracker.close()
  }
  for (const row of tracker.snapshot()) {
    const healthy = isHealthy(row) && row.requestsFailed === 0
    report.providers[row.name] = {
      logins: row.logins,
      storeLoads: row.storeLoads,
      refreshes: row.refreshes,
      requests: { ok: row.requestsOk, failed: row.requestsFailed },
      healthy,
      state: row.state,
      lastEvent: row.lastEvent,
    }
    if (!healthy) report.failed.push(`${row.name}: ${row.lastEvent}`)
  }
  report.ok = report.failed.length === 0
  report.durationMs = Math.round(performance.now() - started)
  return report
}

/** Longest wait after the probes for every stream's first message, in ms. */
const LIVE_STREAM_WAIT_MS = 5_000

/** Asks for Axiom's emailed code on the terminal. */
async function promptForCode(): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return (await rl.question('Axiom emailed you a 6-digit code — type it here: ')).trim()
  } finally {
    rl.close()
  }
}
