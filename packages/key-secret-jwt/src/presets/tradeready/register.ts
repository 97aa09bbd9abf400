import { createSession } from '@authmux/core'
import { type EnvSource, optionOrEnv } from '@authmux/core/provider'
import { z } from 'zod'
import { PACKAGE_NAME } from '../../package-name'
import { TRADEREADY_API_URL_ENV, TRADEREADY_DEFAULT_BASE_URL } from './constants'
import { tradeReadyFields, tradeReadyFlow } from './flow'

/** Options of `registerTradeReadyAccount` (`POST /auth/register`, unauthenticated, 3 calls/min per IP). */
export interface TradeReadyRegisterOptions {
  /** Display name, up to 100 characters. The server uses `"Agent"` when empty. */
  displayName?: string
  /** Email, to sign in later with `userLogin({ email, password })`. */
  email?: string
  /** Password, 8–72 characters (needed with `email`). Secret. */
  password?: string
  /** Starting balance in USDT as a decimal string (`"10000.00"`, the server default). */
  startingBalance?: string
  /** API base URL. Default `TRADEREADY_API_URL`, else `https://api.tradeready.io/api/v1`. */
  baseURL?: string
  /** Where `TRADEREADY_API_URL` is read: default the process environment; `false` reads none. */
  env?: EnvSource
  /** Allow `http:` to non-loopback hosts. Default false. */
  allowInsecureHttp?: boolean
  /** fetch implementation. Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch
  /** Request timeout in ms. Default 30000. */
  timeoutMs?: number
}

const registerResponse = z.object({
  account_id: z.string(),
  api_key: z.string().min(1),
  api_secret: z.string().min(1),
  display_name: z.string().nullish(),
  starting_balance: z.union([z.string(), z.number()]).nullish(),
  agent_id: z.string().nullish(),
  agent_api_key: z.string().nullish(),
  message: z.string().nullish(),
})

/**
 * A new TradeReady account. `apiSecret` is shown only once: store it now (a secret manager, `.env`).
 * `JSON.stringify` and `util.inspect` of this object hide the key and secrets.
 */
export interface TradeReadyRegistration {
  accountId: string
  /** `ak_live_…`. Secret. */
  apiKey: string
  /** `sk_live_…`. Secret, returned only by this call. */
  apiSecret: string
  displayName: string | undefined
  startingBalance: string | undefined
  agentId: string | undefined
  /** The default agent's own `ak_live_…` key, when one was created. Secret. */
  agentApiKey: string | undefined
  /** The server's note, e.g. "Save your API secret now. It will not be shown again." */
  message: string
}

const HIDDEN = '[redacted]'

/** Creates a TradeReady account (`POST /auth/register`) and returns its API key and the once-only API secret. */
export async function registerTradeReadyAccount(options: TradeReadyRegisterOptions = {}): Promise<TradeReadyRegistration> {
  // Sent as JSON: fields left undefined are not sent.
  const body = {
    display_name: options.displayName,
    email: options.email,
    password: options.password,
    starting_balance: options.startingBalance,
  }
  const baseURL =
    optionOrEnv(options.baseURL, { field: 'baseURL', envName: TRADEREADY_API_URL_ENV, env: options.env, provider: 'tradeready', packageName: PACKAGE_NAME }) ??
    TRADEREADY_DEFAULT_BASE_URL
  // A TradeReady session without credentials: only its transport is used (origin check, timeout, typed and redacted
  // errors), and the password is one of the values it redacts.
  const fields = tradeReadyFields({ baseURL, allowInsecureHttp: options.allowInsecureHttp, extraSecrets: [options.password] })
  const session = createSession(tradeReadyFlow(fields), {
    storeKey: 'tradeready:register',
    allowInsecureHttp: options.allowInsecureHttp,
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    // A 429 is reported at once (RateLimitError with retryAfterMs), not waited out.
    maxRateLimitWaitMs: 0,
  })
  // Never retried: a repeated registration could create a second account.
  const response = await session.request({ url: '/auth/register', json: body, schema: registerResponse, retry: false })
  return toRegistration(response.data)
}

/** A nullable field as `string | undefined` (the starting balance may come as a number). */
const optional = (value: string | number | null | undefined): string | undefined => (value == null ? undefined : String(value))

function toRegistration(data: z.infer<typeof registerResponse>): TradeReadyRegistration {
  const registration: TradeReadyRegistration = {
    accountId: data.account_id,
    apiKey: data.api_key,
    apiSecret: data.api_secret,
    displayName: optional(data.display_name),
    startingBalance: optional(data.starting_balance),
    agentId: optional(data.agent_id),
    agentApiKey: optional(data.agent_api_key),
    message: data.message ?? 'Save your API secret now. It will not be shown again.',
  }
  const safe = (): Record<string, unknown> => ({
    ...registration,
    apiKey: HIDDEN,
    apiSecret: HIDDEN,
    agentApiKey: registration.agentApiKey === undefined ? undefined : HIDDEN,
  })
  return Object.defineProperties(registration, {
    toJSON: { value: safe, enumerable: false },
    [Symbol.for('nodejs.util.inspect.custom')]: { value: safe, enumerable: false },
  })
}
