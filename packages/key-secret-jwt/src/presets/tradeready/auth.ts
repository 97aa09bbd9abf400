import { ConfigError, createSession, type Session, type SessionOptions } from '@authmux/core'
import { assertHeaderSafeOption, type EnvSource, extendSession, helperCall, type OptionSpec, optionOrEnv, requireOption } from '@authmux/core/provider'
import { headerOption } from '../../header-option'
import { PACKAGE_NAME } from '../../package-name'
import { TRADEREADY_AGENT_ID_ENV, TRADEREADY_API_KEY_ENV, TRADEREADY_API_SECRET_ENV, TRADEREADY_API_URL_ENV, TRADEREADY_DEFAULT_BASE_URL } from './constants'
import { type TradeReadyFields, type TradeReadyUserCredentials, tradeReadyFields, tradeReadyFlow } from './flow'
import { tradeReadyLoginLimit } from './login-limit'
import type { TradeReadyRateLimit } from './rate-limit'
import { registerTradeReadyAccount } from './register'

export type { TradeReadyUserCredentials } from './flow'

/** Options of `createTradeReadyAuth`. Every `SessionOptions` field is accepted too. */
export interface TradeReadyAuthOptions extends SessionOptions {
  /**
   * API key `ak_live_…`, sent as `X-API-Key` on trading, market, account and analytics routes. Default
   * `TRADEREADY_API_KEY`. Required unless `storeKey` names a stored session (session-only mode). Secret.
   */
  apiKey?: string
  /** API secret `sk_live_…`, exchanged with the key for a JWT used on `/agents/*` and `/battles/*`. Default `TRADEREADY_API_SECRET`. Secret. */
  apiSecret?: string
  /** Agent UUID sent as `X-Agent-Id`; it must belong to the account. Default `TRADEREADY_AGENT_ID`; unset: no header. */
  agentId?: string
  /** API base URL. Default `TRADEREADY_API_URL`, else `https://api.tradeready.io/api/v1`. */
  baseURL?: string
  /**
   * Key under which the JWT is stored. Default `tradeready:key:<fingerprint of the API key>`.
   *
   * **Session-only mode:** with no `apiKey` (and no `TRADEREADY_API_KEY`), an explicit `storeKey` uses the session
   * stored under it (saved by another instance or `authmux login tradeready`): its JWT is sent on every route, the
   * client never logs in by itself (`userLogin()` still can), and `logout()` deletes it. Once it expires, a
   * `TokenExpiredError` says how to log in again.
   */
  storeKey?: string
  /**
   * Where `TRADEREADY_API_KEY`, `TRADEREADY_API_SECRET`, `TRADEREADY_AGENT_ID` and `TRADEREADY_API_URL` are read:
   * default the process environment; `false` reads none.
   */
  env?: EnvSource
}

/** A TradeReady strategy: the engine `Session` plus the last rate-limit headers and the user-login variant. */
export interface TradeReadyAuth extends Session {
  /** The last `X-RateLimit-*` values seen on a credentialed response, or undefined before the first. */
  readonly rateLimit: TradeReadyRateLimit | undefined
  /**
   * Signs in with email + password (`POST /auth/user-login`) instead of key + secret; later re-logins use these
   * credentials too. Resolves once the JWT is in place; a failed sign-in keeps the credentials that worked before.
   */
  userLogin(credentials: TradeReadyUserCredentials): Promise<void>
}

const provider = 'tradeready'

/** Each strategy's fields, for the shared `rateLimit` getter. */
const fieldsOf = new WeakMap<object, TradeReadyFields>()

/** The `rateLimit` accessor: one getter for every strategy (a getter per strategy would give each its own hidden class). */
const rateLimitAccessor: PropertyDescriptor = {
  get(this: object): TradeReadyRateLimit | undefined {
    return fieldsOf.get(this)?.rateLimit
  },
}

/**
 * TradeReady (AgentExchange): `X-API-Key` on trading/market/account/analytics routes, a JWT from `/auth/login`
 * (key + secret) on `/agents/*` and `/battles/*`, chosen per route; `X-Agent-Id` when `agentId` is set.
 * With only `{ storeKey, store }` it uses (and can log out) a session saved earlier, sending its JWT on every route.
 */
export function createTradeReadyAuth(options: TradeReadyAuthOptions = {}): TradeReadyAuth {
  const { strategy, fields } = tradeReadySession(options)
  return extendSession(strategy, tradeReadyExtras(strategy, fields))
}

/** The engine session of `createTradeReadyAuth` and its fields, before extras: options and environment read and checked. */
export function tradeReadySession(options: TradeReadyAuthOptions): { strategy: Session; fields: TradeReadyFields } {
  const { apiKey: apiKeyOption, apiSecret: apiSecretOption, agentId: agentIdOption, baseURL: baseURLOption, loginLimit, env, ...session } = options
  const spec = (field: string, envName: string): OptionSpec => ({ field, envName, env, provider, packageName: PACKAGE_NAME })
  const keySpec = spec('apiKey', TRADEREADY_API_KEY_ENV)
  // Session-only: no API key but an explicit storeKey — use the stored session, never log in by itself.
  const apiKey =
    session.storeKey === undefined
      ? requireOption(apiKeyOption, {
          ...keySpec,
          hint: 'Create a key with createTradeReadyAuth.register() or in the TradeReady dashboard, or pass { storeKey } to use a stored session.',
        })
      : optionOrEnv(apiKeyOption, keySpec)
  const fields = tradeReadyFields({
    baseURL: optionOrEnv(baseURLOption, spec('baseURL', TRADEREADY_API_URL_ENV)) ?? TRADEREADY_DEFAULT_BASE_URL,
    allowInsecureHttp: session.allowInsecureHttp,
    apiKey: apiKey === undefined ? undefined : assertHeaderSafeOption(apiKey, keySpec),
    // The secret travels in the login body; one with a line break or a look-alike character fails the same way, up front.
    apiSecret: headerOption(apiSecretOption, spec('apiSecret', TRADEREADY_API_SECRET_ENV)),
    agentId: headerOption(agentIdOption, spec('agentId', TRADEREADY_AGENT_ID_ENV)),
    now: session.now,
  })
  const strategy = createSession(tradeReadyFlow(fields), { ...session, loginLimit: tradeReadyLoginLimit(loginLimit) })
  fieldsOf.set(strategy, fields)
  return { strategy, fields }
}

/** The preset's extras (`rateLimit`, `userLogin`) for `extendSession`. */
export function tradeReadyExtras(strategy: Session, fields: TradeReadyFields): Pick<TradeReadyAuth, 'rateLimit' | 'userLogin'> {
  const extras: Pick<TradeReadyAuth, 'rateLimit' | 'userLogin'> = {
    rateLimit: undefined,
    userLogin: (credentials) => helperCall(strategy, () => userLogin(strategy, fields, credentials)),
  }
  Object.defineProperty(extras, 'rateLimit', rateLimitAccessor)
  return extras
}

/** Creates a TradeReady account (`POST /auth/register`); see `registerTradeReadyAccount`. */
createTradeReadyAuth.register = registerTradeReadyAccount

/** `userLogin()`: checks the credentials, then logs in with them; a failed sign-in restores the previous ones. */
async function userLogin(strategy: Session, fields: TradeReadyFields, credentials: TradeReadyUserCredentials): Promise<void> {
  const email = credentials?.email?.trim()
  if (!email) {
    throw new ConfigError(`${PACKAGE_NAME}: userLogin needs { email } — pass the account's email.`, { provider, field: 'email' })
  }
  const password = credentials.password
  if (typeof password !== 'string' || password.length < 8 || password.length > 72) {
    throw new ConfigError(`${PACKAGE_NAME}: userLogin needs { password } of 8–72 characters.`, { provider, field: 'password' })
  }
  const previous = { user: fields.user, canAcquire: fields.canAcquire }
  fields.user = { email, password }
  fields.canAcquire = true
  try {
    await strategy.login()
  } catch (error) {
    // a failed sign-in must not replace working credentials
    fields.user = previous.user
    fields.canAcquire = previous.canAcquire
    throw error
  }
}
