import type { BotTargets } from './bot'
import type { ProviderName } from './providers'

/** A provider left out of a live run, and why. */
export interface SkippedProvider {
  provider: ProviderName
  /** Environment variables that would enable it. */
  missing: string[]
  why: string
}

/** Which providers a live run can use with the credentials at hand. */
export interface LiveConfig {
  targets: BotTargets
  configured: ProviderName[]
  skipped: SkippedProvider[]
  /** Non-fatal remarks (e.g. Axiom without a terminal for the code). */
  notes: string[]
}

/**
 * Builds live bot targets from environment variables (the same names the presets and the vendors' SDKs use).
 * `otp` is the prompt for Axiom's emailed code when a terminal is available.
 */
export function liveConfigFromEnv(env: Record<string, string | undefined>, otp?: () => Promise<string>): LiveConfig {
  const get = (name: string) => {
    const value = env[name]?.trim()
    return value ? value : undefined
  }
  const targets: BotTargets = {}
  const skipped: SkippedProvider[] = []
  const notes: string[] = []
  const missingOf = (names: string[]) => names.filter((n) => get(n) === undefined)

  // Axiom: email + password (+ the emailed code), or tokens copied from a browser session.
  const axiomAccess = get('AXIOM_ACCESS_TOKEN')
  // One origin for every Axiom step (a proxy or an emulator); default: Axiom's own per-step hosts.
  const axiomBase = {
    ...(get('AXIOM_BASE_URL') ? { baseURL: get('AXIOM_BASE_URL') } : {}),
    ...(get('CF_CLEARANCE') ? { cfClearance: get('CF_CLEARANCE') } : {}),
  }
  if (get('AXIOM_EMAIL') && get('AXIOM_PASSWORD')) {
    targets.axiom = {
      ...axiomBase,
      email: get('AXIOM_EMAIL'),
      password: get('AXIOM_PASSWORD'),
      ...(otp ? { otp } : {}),
      ...(axiomAccess ? { accessToken: axiomAccess, refreshToken: get('AXIOM_REFRESH_TOKEN') } : {}),
    }
    if (!otp && !axiomAccess) {
      notes.push('axiom: no terminal to type the emailed code — only tokens saved by an earlier interactive run (same --store-dir) will work')
    }
  } else if (axiomAccess) {
    targets.axiom = { ...axiomBase, accessToken: axiomAccess, ...(get('AXIOM_REFRESH_TOKEN') ? { refreshToken: get('AXIOM_REFRESH_TOKEN') } : {}) }
  } else {
    skipped.push({
      provider: 'axiom',
      missing: ['AXIOM_EMAIL', 'AXIOM_PASSWORD'].filter((n) => !get(n)),
      why: 'Axiom logs in with email + password and an emailed code (or set AXIOM_ACCESS_TOKEN / AXIOM_REFRESH_TOKEN copied from a browser session)',
    })
  }

  const apiKey = get('AIONMARKET_API_KEY')
  if (apiKey) targets.aionmarket = { apiKey, ...(get('AIONMARKET_BASE_URL') ? { baseURL: get('AIONMARKET_BASE_URL') } : {}) }
  else skipped.push({ provider: 'aionmarket', missing: ['AIONMARKET_API_KEY'], why: 'AionMarket authenticates every call with the agent API key' })

  const px = missingOf(['PROJECT_X_USERNAME', 'PROJECT_X_API_KEY'])
  if (px.length === 0) {
    targets.projectx = {
      username: get('PROJECT_X_USERNAME')!,
      apiKey: get('PROJECT_X_API_KEY')!,
      ...(get('PROJECTX_API_URL') ? { baseURL: get('PROJECTX_API_URL') } : {}),
      ...(get('PROJECT_X_CONTRACT_ID') ? { contractId: get('PROJECT_X_CONTRACT_ID') } : {}),
    }
  } else skipped.push({ provider: 'projectx', missing: px, why: 'ProjectX exchanges the user name + API key for a session token (/Auth/loginKey)' })

  const tr = missingOf(['TRADEREADY_API_KEY', 'TRADEREADY_API_SECRET'])
  if (tr.length === 0) {
    targets.tradeready = {
      apiKey: get('TRADEREADY_API_KEY')!,
      apiSecret: get('TRADEREADY_API_SECRET')!,
      ...(get('TRADEREADY_API_URL') ? { baseURL: get('TRADEREADY_API_URL') } : {}),
    }
  } else skipped.push({ provider: 'tradeready', missing: tr, why: 'the probe (/agents) is a JWT route: TradeReady needs the key and the secret to log in' })

  const ap = missingOf(['APALA_API_KEY', 'APALA_BASE_URL'])
  if (ap.length === 0) targets.apala = { apiKey: get('APALA_API_KEY')!, baseURL: get('APALA_BASE_URL')! }
  else skipped.push({ provider: 'apala', missing: ap, why: 'Apala servers are per customer: it needs the API key and your server URL' })

  const configured = (['axiom', 'aionmarket', 'projectx', 'tradeready', 'apala'] as const).filter((p) => targets[p] !== undefined)
  return { targets, configured, skipped, notes }
}
