import { assertSecureBaseURL, ConfigError, createSession, type Session, type SessionOptions } from '@authmux/core'
import { assertHeaderSafeOption, type EnvSource, extendSession, helperCall, type OptionSpec, optionOrEnv, requireOption } from '@authmux/core/provider'
import { PACKAGE_NAME } from '../../package-name'
import { findProjectXAccount, type ProjectXAccount } from './account'
import { PROJECTX_DEFAULT_BASE_URL } from './constants'
import { projectXFlow } from './flow'

/** Options of `createProjectXAuth`. Every `SessionOptions` field is accepted too (e.g. `refreshWindow: { fraction: 0.8 }`). */
export interface ProjectXAuthOptions extends SessionOptions {
  /** Platform user name the API key belongs to. Default `PROJECT_X_USERNAME`. Required with `apiKey`. */
  username?: string
  /** ProjectX API key (more than 10 characters). Default `PROJECT_X_API_KEY`. Required unless `storeKey` names a stored session. Secret. */
  apiKey?: string
  /**
   * Trading account to work with, by name (case-insensitive; kept in `meta.accountName`). `account()` resolves it to
   * its id. Default `PROJECT_X_ACCOUNT_NAME`; unset: the first active account.
   */
  accountName?: string
  /** Gateway API base. Default `PROJECTX_API_URL`, else `https://api.topstepx.com/api` (TopstepX). */
  baseURL?: string
  /**
   * Key under which the session token is stored. Default `projectx:<username>` on TopstepX, else
   * `projectx:<username>@<gateway host>` (one user name can hold accounts at several firms running the gateway).
   *
   * **Session-only mode:** with no `apiKey` (and no `PROJECT_X_API_KEY`), an explicit `storeKey` uses the session
   * stored under it (saved by another instance or `authmux login projectx`): it is revalidated through
   * `/Auth/validate` and logged out with `logout()`, never logged into. Once validate refuses it, a
   * `TokenExpiredError` says how to log in again.
   */
  storeKey?: string
  /**
   * Where `PROJECT_X_USERNAME`, `PROJECT_X_API_KEY`, `PROJECT_X_ACCOUNT_NAME` and `PROJECTX_API_URL` are read: default
   * the process environment; `false` reads none.
   */
  env?: EnvSource
}

/** A ProjectX strategy: the engine `Session` plus the account to trade on. */
export interface ProjectXAuth extends Session {
  /** The configured account name, if any. */
  readonly accountName: string | undefined
  /**
   * The account to trade on — the active one named `accountName` (case-insensitive), else the first active one —
   * with the `id` that order calls take. Looked up once through `/Account/search`, then remembered (a failed lookup
   * is not). A name with no active account is a `ConfigError` listing the active names.
   */
  account(): Promise<ProjectXAccount>
}

const provider = 'projectx'
const storedSessionHint = 'Or pass { storeKey } to use a stored session without credentials.'

/**
 * ProjectX Gateway (TopstepX and other firms): `userName` + API key → JWT at `/Auth/loginKey`, revalidated through
 * `/Auth/validate` 5 minutes before `exp` (falling back to a new login), `Authorization: Bearer` on every call,
 * `/Auth/logout` on `logout()`. `await using auth = createProjectXAuth(…)` stops its timer at scope end.
 * With only `{ storeKey, store }` it uses (and can log out) a session saved earlier.
 */
export function createProjectXAuth(options: ProjectXAuthOptions = {}): ProjectXAuth {
  const { strategy, accountName } = projectXSession(options)
  return extendSession(strategy, projectXExtras(strategy, accountName))
}

/** The engine session of `createProjectXAuth`, before extras: options and environment read and checked. */
export function projectXSession(options: ProjectXAuthOptions): { strategy: Session; accountName: string | undefined } {
  const { username: usernameOption, apiKey: apiKeyOption, accountName: accountNameOption, baseURL: baseURLOption, env, ...session } = options
  const spec = (field: string, envName: string): OptionSpec => ({ field, envName, env, provider, packageName: PACKAGE_NAME })
  const keySpec = spec('apiKey', 'PROJECT_X_API_KEY')
  const userSpec = spec('username', 'PROJECT_X_USERNAME')
  // Session-only: no API key but an explicit storeKey — use (renew, log out) the stored session, never log in.
  const sessionOnly = session.storeKey !== undefined && optionOrEnv(apiKeyOption, keySpec) === undefined
  const username = sessionOnly ? optionOrEnv(usernameOption, userSpec) : requireOption(usernameOption, { ...userSpec, hint: storedSessionHint })
  const apiKey = sessionOnly ? undefined : assertHeaderSafeOption(requireOption(apiKeyOption, { ...keySpec, hint: storedSessionHint }), keySpec)
  if (apiKey !== undefined && apiKey.length <= 10) {
    throw new ConfigError(
      `${PACKAGE_NAME}: apiKey looks too short (10 characters or fewer) — copy the full key from the ProjectX platform (PROJECT_X_API_KEY).`,
      { provider, field: 'apiKey' },
    )
  }
  const accountName = optionOrEnv(accountNameOption, spec('accountName', 'PROJECT_X_ACCOUNT_NAME'))
  const baseURL = optionOrEnv(baseURLOption, spec('baseURL', 'PROJECTX_API_URL')) ?? PROJECTX_DEFAULT_BASE_URL
  const base = assertSecureBaseURL(baseURL, { allowInsecureHttp: session.allowInsecureHttp, provider, packageName: PACKAGE_NAME })
  // The store key's label: the user name, plus the gateway's host when it is not TopstepX's (one user name can hold
  // accounts at several firms running the gateway; their tokens must never share a slot).
  const identity = username !== undefined && baseURL !== PROJECTX_DEFAULT_BASE_URL ? `${username}@${base.host}` : username

  const strategy = createSession(projectXFlow({ baseURL, identity, secrets: [apiKey], username, apiKey, accountName, canAcquire: !sessionOnly }), session)
  return { strategy, accountName }
}

/** The preset's extras (`accountName`, `account()`) for `extendSession`. */
export function projectXExtras(strategy: Session, accountName: string | undefined): Pick<ProjectXAuth, 'accountName' | 'account'> {
  let account: Promise<ProjectXAccount> | undefined
  return {
    accountName,
    account: () => {
      account ??= helperCall(strategy, () => findProjectXAccount(strategy, accountName)).catch((error: unknown) => {
        account = undefined
        throw error
      })
      return account
    },
  }
}
