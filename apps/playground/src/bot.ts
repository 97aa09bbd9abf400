import { createApalaAuth } from '@authmux/api-key-refresh'
import { createAionMarketAuth } from '@authmux/bearer'
import { composeAuth, type ComposedAuth, type Session, type SessionOptions, type TokenStore } from '@authmux/core'
import { createProjectXAuth, type ProjectXHubAuth } from '@authmux/key-secret-jwt/signalr'
import { createTradeReadyAuth, type TradeReadyStreamAuth } from '@authmux/key-secret-jwt/stream'
import { type AxiomStreamAuth, createAxiomAuth } from '@authmux/password-login/stream'
import { PROBES, PROVIDER_NAMES, probeURL, type ProviderName } from './providers'

/** Where and how the bot reaches each provider. A provider left out is not composed. */
export interface BotTargets {
  axiom?: {
    /** One origin for every Axiom step (an emulator); omitted = Axiom's own per-step hosts. */
    baseURL?: string
    email?: string
    password?: string
    /** Returns the emailed one-time code. */
    otp?: () => Promise<string>
    accessToken?: string
    refreshToken?: string
    /** Cloudflare `cf_clearance` cookie (live only). */
    cfClearance?: string
  }
  aionmarket?: { baseURL?: string; apiKey: string }
  projectx?: {
    baseURL?: string
    username: string
    apiKey: string
    /** Contract whose quotes the market hub streams (e.g. `CON.F.US.EP.Z25`); without it the market hub is skipped. */
    contractId?: string
  }
  tradeready?: { baseURL?: string; apiKey: string; apiSecret: string }
  apala?: { baseURL: string; apiKey: string }
}

/** Options of `createBot`. */
export interface BotOptions {
  targets: BotTargets
  /** The shared token store (the encrypted file store in the playground). */
  store: TokenStore
  /** Current time in epoch ms; the emulated scenario passes the emulators' virtual clock. Default `Date.now`. */
  now?: () => number
}

/** The outcome of one probe request. */
export interface CallResult {
  ok: boolean
  status?: number
  durationMs: number
  /** A safe description of the failure (error class and code; messages are already redacted by the engine). */
  error?: string
}

/** One bot: the five presets composed into one fetch, over one store. */
export interface Bot {
  readonly providers: ProviderName[]
  readonly strategies: Partial<Record<ProviderName, Session>>
  /** The same strategies, typed with their realtime streams (the presets' `/stream` and `/signalr` entries). */
  readonly streaming: { axiom?: AxiomStreamAuth; projectx?: ProjectXHubAuth; tradeready?: TradeReadyStreamAuth }
  /** Contract for the ProjectX market hub, when configured. */
  readonly contractId: string | undefined
  readonly auth: ComposedAuth
  readonly store: TokenStore
  /** Makes the provider's probe request through the composed fetch. Never throws. */
  call(provider: ProviderName): Promise<CallResult>
  /** Stops every background refresh timer. */
  dispose(): void
}

/** Builds every configured preset on the shared store and composes them with `composeAuth`. */
export function createBot(options: BotOptions): Bot {
  const { targets, store } = options
  const common: SessionOptions = {
    store,
    ...(options.now ? { now: options.now } : {}),
    // Short backoff so a 503 burst costs well under a second; three retries after the first attempt.
    retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
    maxRateLimitWaitMs: 10_000,
    timeoutMs: 10_000,
  }
  const strategies: Partial<Record<ProviderName, Session>> = {}
  const streaming: Bot['streaming'] = {}
  if (targets.axiom) {
    const t = targets.axiom
    strategies.axiom = streaming.axiom = createAxiomAuth({ ...common, ...t, env: false })
  }
  if (targets.aionmarket) strategies.aionmarket = createAionMarketAuth({ ...common, ...targets.aionmarket })
  if (targets.projectx) {
    const { contractId: _contract, ...projectx } = targets.projectx
    strategies.projectx = streaming.projectx = createProjectXAuth({ ...common, ...projectx })
  }
  if (targets.tradeready) strategies.tradeready = streaming.tradeready = createTradeReadyAuth({ ...common, ...targets.tradeready })
  if (targets.apala) strategies.apala = createApalaAuth({ ...common, ...targets.apala })

  const providers = PROVIDER_NAMES.filter((name) => strategies[name] !== undefined)
  const auth = composeAuth(...providers.map((name) => strategies[name]!))

  return {
    providers,
    strategies,
    streaming,
    contractId: targets.projectx?.contractId,
    auth,
    store,
    async call(provider) {
      const strategy = strategies[provider]
      const started = performance.now()
      if (!strategy) return { ok: false, durationMs: 0, error: 'not configured' }
      const probe = PROBES[provider]
      try {
        const response = await auth.fetch<unknown>(probeURL(strategy.baseURL, probe), {
          method: probe.method,
          ...(probe.body ? { body: probe.body } : {}),
        })
        void response
        return { ok: true, status: 200, durationMs: performance.now() - started }
      } catch (error) {
        return { ok: false, durationMs: performance.now() - started, ...describeFailure(error, strategy.baseURL) }
      }
    },
    dispose() {
      for (const name of providers) strategies[name]!.dispose()
    },
  }
}

/**
 * Error class, code and HTTP status — enough to read, nothing that could carry a secret. A network failure or a
 * timeout also names the host it could not reach and the system's reason (`ECONNREFUSED`, `ENOTFOUND` …).
 */
export function describeFailure(error: unknown, baseURL?: string): { status?: number; error: string } {
  const e = error as { name?: string; code?: string; status?: number; statusCode?: number }
  const status = e?.status ?? e?.statusCode
  const name = e?.name ?? 'Error'
  const parts = [name, e?.code, status !== undefined ? `HTTP ${status}` : undefined].filter(Boolean)
  let text = parts.join(' ')
  if (name === 'NetworkError' || name === 'TimeoutError') {
    const host = baseURL ? hostOf(baseURL) : undefined
    const reason = rootReason(error)
    text += ` — ${name === 'TimeoutError' ? 'no answer from' : 'could not reach'} ${host ?? 'the provider'}${reason ? ` (${reason})` : ''}`
  }
  return { ...(status !== undefined ? { status } : {}), error: text }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host
  } catch {
    return undefined
  }
}

/** The innermost cause's system code (`ECONNREFUSED`), else its message — a short reason, never a URL or a header. */
function rootReason(error: unknown): string | undefined {
  let current = (error as { cause?: unknown })?.cause
  let reason: string | undefined
  for (let depth = 0; current instanceof Error && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code
    reason = typeof code === 'string' && /^E[A-Z_]+$/.test(code) ? code : current.message.split('\n')[0]?.slice(0, 80)
    current = current.cause
  }
  return reason
}
