import { createApalaAuth } from '@authmux/api-key-refresh'
import { createAionMarketAuth } from '@authmux/bearer'
import { fingerprint, type Session, type TokenStore } from '@authmux/core'
import { createProjectXAuth, createTradeReadyAuth } from '@authmux/key-secret-jwt'
import { createAxiomAuth } from '@authmux/password-login'
import type { FieldSpec } from './fields'

export const PROVIDER_NAMES = ['axiom', 'aionmarket', 'tradeready', 'projectx', 'apala'] as const
export type ProviderName = (typeof PROVIDER_NAMES)[number]

/** Values gathered for one provider. */
export type ProviderValues = Partial<Record<FieldSpec['key'], string>>

/** How the CLI builds a strategy. */
export interface BuildOptions {
  baseURL: string | undefined
  store: TokenStore
  /** Use this store key instead of the preset's default (status/logout/env of a recorded session). */
  storeKey?: string
  allowInsecureHttp: boolean
  /** Axiom: returns the emailed one-time code when the login reaches that step. */
  otp?: () => Promise<string>
  /** Current time in epoch ms (the CLI's clock, so expiry shown and expiry acted on agree). */
  now?: () => number
}

/** What the CLI knows about one provider: the values it needs and how to build its preset. */
export interface ProviderSpec {
  name: ProviderName
  title: string
  /** Values that name the stored session (and, for key providers, are the key itself): asked first. */
  identity: readonly FieldSpec[]
  /** Values needed only to log in afresh: asked only when no stored session can be reused. */
  login: readonly FieldSpec[]
  /** Environment variable the preset reads for its base URL. */
  baseUrlEnv?: string
  /** Whether a base URL must be given (Apala has no public default). */
  baseUrlRequired?: boolean
  /**
   * The credential is a static key that is also the stored "token" (AionMarket): saving the session means saving
   * the raw key, so it happens only with `--save-key`.
   */
  staticKey?: boolean
  /** Keys `--save-key` persists (encrypted) so later logins and `env --reveal` can use them. */
  savableKeys: readonly FieldSpec['key'][]
  /** The non-secret account label shown by `status` (email, user name, or a key fingerprint). */
  label(values: ProviderValues): Promise<string>
  /**
   * Builds the preset strategy (reading no environment: the CLI has gathered the values). Without the key but with
   * `storeKey`, the preset runs in session-only mode: it uses the stored session and never logs in by itself.
   */
  build(values: ProviderValues, options: BuildOptions): Session
  /** Environment variables `authmux env` prints. */
  env: EnvNames
  /**
   * One authenticated request that only succeeds with tokens the provider accepts (`import --check`): the client can
   * decode a token but not verify its signature, so this is the only real check.
   */
  check?: (auth: Session) => Promise<unknown>
}

/**
 * Names of the variables `authmux env` prints for a provider — only variables the provider's preset reads, so a bot
 * started with them picks them up without code of its own.
 */
export interface EnvNames {
  /** The preset's base URL variable (TRADEREADY_API_URL …); Axiom's preset has none. */
  baseURL?: string
  /** Non-secret account variable (AXIOM_EMAIL, PROJECT_X_USERNAME). */
  account?: { name: string; from: FieldSpec['key'] }
  /** Variables for keys saved with `--save-key`. */
  keys: Partial<Record<FieldSpec['key'], string>>
  /** Variable for the current access token, for presets that read one (Axiom: AXIOM_ACCESS_TOKEN). */
  accessToken?: string
  /** Variable for the refresh token, for presets that read one (Axiom: AXIOM_REFRESH_TOKEN). */
  refreshToken?: string
}

const keyLabel = async (apiKey: string | undefined) => `key ${apiKey ? await fingerprint(apiKey) : 'unknown'}`
// `env: false`: the CLI reads every variable itself (from its own environment, for tests and embedders).
const session = (options: BuildOptions) => ({
  env: false as const,
  store: options.store,
  allowInsecureHttp: options.allowInsecureHttp,
  ...(options.now ? { now: options.now } : {}),
  ...(options.storeKey ? { storeKey: options.storeKey } : {}),
  ...(options.baseURL ? { baseURL: options.baseURL } : {}),
})

const axiom: ProviderSpec = {
  name: 'axiom',
  title: 'Axiom Trade',
  identity: [{ key: 'email', label: 'Axiom email', secret: false, flag: 'email', env: 'AXIOM_EMAIL' }],
  login: [
    { key: 'password', label: 'Axiom password', secret: true, stdinFlag: 'password-stdin', env: 'AXIOM_PASSWORD' },
    { key: 'otp', label: 'Axiom one-time code (emailed)', secret: true, flag: 'otp', stdinFlag: 'otp-stdin' },
  ],
  savableKeys: [],
  label: async (values) => values.email ?? 'default',
  build: (values, options) =>
    createAxiomAuth({
      ...session(options),
      ...(values.email ? { email: values.email } : {}),
      ...(values.password ? { password: values.password } : {}),
      ...(values.password && options.otp ? { otp: options.otp } : {}),
    }),
  env: { account: { name: 'AXIOM_EMAIL', from: 'email' }, keys: {}, accessToken: 'AXIOM_ACCESS_TOKEN', refreshToken: 'AXIOM_REFRESH_TOKEN' },
  check: (auth) => auth.fetch('/user/info'),
}

const aionmarket: ProviderSpec = {
  name: 'aionmarket',
  title: 'AionMarket',
  identity: [{ key: 'apiKey', label: 'AionMarket API key', secret: true, stdinFlag: 'api-key-stdin', env: 'AIONMARKET_API_KEY' }],
  login: [],
  baseUrlEnv: 'AIONMARKET_BASE_URL',
  staticKey: true,
  savableKeys: ['apiKey'],
  label: (values) => keyLabel(values.apiKey),
  build: (values, options) => createAionMarketAuth({ ...session(options), ...(values.apiKey ? { apiKey: values.apiKey } : {}) }),
  env: { baseURL: 'AIONMARKET_BASE_URL', keys: { apiKey: 'AIONMARKET_API_KEY' } },
}

const tradeready: ProviderSpec = {
  name: 'tradeready',
  title: 'TradeReady',
  identity: [{ key: 'apiKey', label: 'TradeReady API key', secret: true, stdinFlag: 'api-key-stdin', env: 'TRADEREADY_API_KEY' }],
  login: [{ key: 'apiSecret', label: 'TradeReady API secret', secret: true, stdinFlag: 'api-secret-stdin', env: 'TRADEREADY_API_SECRET' }],
  baseUrlEnv: 'TRADEREADY_API_URL',
  savableKeys: ['apiKey', 'apiSecret'],
  label: (values) => keyLabel(values.apiKey),
  build: (values, options) =>
    createTradeReadyAuth({
      ...session(options),
      ...(values.apiKey ? { apiKey: values.apiKey } : {}),
      ...(values.apiSecret ? { apiSecret: values.apiSecret } : {}),
    }),
  env: { baseURL: 'TRADEREADY_API_URL', keys: { apiKey: 'TRADEREADY_API_KEY', apiSecret: 'TRADEREADY_API_SECRET' } },
}

const projectx: ProviderSpec = {
  name: 'projectx',
  title: 'ProjectX',
  identity: [
    { key: 'username', label: 'ProjectX user name', secret: false, flag: 'username', env: 'PROJECT_X_USERNAME' },
    { key: 'apiKey', label: 'ProjectX API key', secret: true, stdinFlag: 'api-key-stdin', env: 'PROJECT_X_API_KEY' },
  ],
  login: [],
  baseUrlEnv: 'PROJECTX_API_URL',
  savableKeys: ['apiKey'],
  label: async (values) => values.username ?? 'default',
  build: (values, options) =>
    createProjectXAuth({
      ...session(options),
      ...(values.username ? { username: values.username } : {}),
      ...(values.apiKey ? { apiKey: values.apiKey } : {}),
    }),
  env: {
    baseURL: 'PROJECTX_API_URL',
    account: { name: 'PROJECT_X_USERNAME', from: 'username' },
    keys: { apiKey: 'PROJECT_X_API_KEY' },
  },
}

const apala: ProviderSpec = {
  name: 'apala',
  title: 'Apala',
  identity: [{ key: 'apiKey', label: 'Apala API key', secret: true, stdinFlag: 'api-key-stdin', env: 'APALA_API_KEY' }],
  login: [],
  baseUrlEnv: 'APALA_BASE_URL',
  baseUrlRequired: true,
  savableKeys: ['apiKey'],
  label: (values) => keyLabel(values.apiKey),
  build: (values, options) => createApalaAuth({ ...session(options), ...(values.apiKey ? { apiKey: values.apiKey } : {}) }),
  env: { baseURL: 'APALA_BASE_URL', keys: { apiKey: 'APALA_API_KEY' } },
}

export const PROVIDERS: Record<ProviderName, ProviderSpec> = { axiom, aionmarket, tradeready, projectx, apala }

/** Every field of every provider (for the argument parser of `login`). */
export const ALL_FIELDS: readonly FieldSpec[] = PROVIDER_NAMES.flatMap((name) => [...PROVIDERS[name].identity, ...PROVIDERS[name].login])

export function isProviderName(value: string): value is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(value)
}
