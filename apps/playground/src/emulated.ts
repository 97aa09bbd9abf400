import { startEmulators, type Emulators } from '@authmux/testkit'
import type { BotTargets } from './bot'
import type { ProviderName } from './providers'

/** Token lifetime (virtual seconds) of every expiring provider in the scripted scenario. */
export const SCENARIO_TOKEN_SECONDS = 120

/** Real ms between two pushes on every emulated stream (ticks, room pushes, quotes, account updates). */
export const STREAM_PUSH_MS = 200

/** The ProjectX contract whose quotes the market hub streams in the scripted scenario. */
export const SCENARIO_CONTRACT_ID = 'CON.F.US.EP.Z25'

/** The testkit emulators, started in this process with short token lifetimes. */
export interface EmulatedWorld {
  emulators: Emulators
  /** Bot targets pointing at the emulators, with their demo credentials. */
  targets: BotTargets
  /** The emulators' virtual clock; the bot's engine reads the same clock. */
  now: () => number
  /** How many one-time codes the bot read from the Axiom inbox. */
  readonly otpReads: number
  /** Logins counted by the emulators themselves, per provider. */
  emulatorLogins(): Record<ProviderName, number>
  /** Every demo credential and one-time code (for the canary check only; never printed). */
  secrets(): string[]
  close(): Promise<void>
}

/** Starts the five emulators on loopback and wires the demo credentials into bot targets. */
export async function startEmulatedWorld(): Promise<EmulatedWorld> {
  const lifetime = { accessSeconds: SCENARIO_TOKEN_SECONDS }
  const emulators = await startEmulators({
    lifetimes: { axiom: lifetime, projectx: lifetime, tradeready: lifetime, apala: { ...lifetime, refreshSeconds: 3_600 } },
    // Frequent pushes, so a stream shows its first message on a new socket within a fraction of a second.
    tradeready: { streams: { tickerIntervalMs: STREAM_PUSH_MS } },
    axiom: { streams: { pushIntervalMs: STREAM_PUSH_MS } },
    projectx: { streams: { pushIntervalMs: STREAM_PUSH_MS } },
  })
  const { credentials: c, urls } = emulators
  let otpReads = 0
  const otp = async () => {
    otpReads++
    // The code was emailed during login step 1; the emulator's inbox is our mailbox.
    return emulators.inbox.latestCode(c.axiom.email) ?? (await emulators.inbox.waitForCode(c.axiom.email, { timeoutMs: 5_000 }))
  }
  const targets: BotTargets = {
    axiom: { baseURL: urls.axiom, email: c.axiom.email, password: c.axiom.password, otp },
    aionmarket: { baseURL: urls.aionmarket, apiKey: c.aionmarket.apiKey },
    projectx: { baseURL: urls.projectx, username: c.projectx.userName, apiKey: c.projectx.apiKey, contractId: SCENARIO_CONTRACT_ID },
    tradeready: { baseURL: urls.tradeready, apiKey: c.tradeready.apiKey, apiSecret: c.tradeready.apiSecret },
    apala: { baseURL: urls.apala, apiKey: c.apala.apiKey },
  }
  return {
    emulators,
    targets,
    now: () => emulators.clock.now(),
    get otpReads() {
      return otpReads
    },
    emulatorLogins() {
      const of = (p: ProviderName) => emulators.stats.get(p).logins
      return { axiom: of('axiom'), aionmarket: of('aionmarket'), projectx: of('projectx'), tradeready: of('tradeready'), apala: of('apala') }
    },
    secrets() {
      const out: string[] = []
      const collect = (value: unknown, key = ''): void => {
        if (typeof value === 'string') {
          if (/key|secret|password|token/i.test(key) && value.length >= 6) out.push(value)
        } else if (value && typeof value === 'object') {
          for (const [k, v] of Object.entries(value)) collect(v, k)
        }
      }
      collect(c)
      for (const message of emulators.inbox.messages) out.push(message.code)
      return out
    },
    close: () => emulators.close(),
  }
}
