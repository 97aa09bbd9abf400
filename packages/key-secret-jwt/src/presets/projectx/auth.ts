import { type AuthError, ConfigError, type Session, type SessionOptions, createSession } from '@authmux/core'
import type { z } from 'zod'
import { CONFIG, JwtFlow } from '../../flow'
import type { KeySecretJwtConfig } from '../../types'
import { PACKAGE_NAME, optionOrEnv, requireCredential, requireOption } from '../../options'
import { PROJECTX_DEFAULT_BASE_URL, PROJECTX_REFRESH_BEFORE_EXPIRY_MS } from './constants'
import { projectXLoginError, projectXValidateError } from './errors'
import { findProjectXAccount, type ProjectXAccount } from './account'
import { projectXReplayOn401 } from './orders'
import { projectXLoginResponse, projectXValidateResponse } from './schemas'

/** Options of `createProjectXAuth`. Every `SessionOptions` field is accepted too (e.g. `refreshWindow: { fraction: 0.8 }`). */
export interface ProjectXAuthOptions extends SessionOptions {
  /** Platform user name the API key belongs to. Default `PROJECT_X_USERNAME`. Required with `apiKey`. */
  username?: string
  /**
   * ProjectX API key (more than 10 characters). Default `PROJECT_X_API_KEY`. Required unless `storeKey` names a
   * stored session (session-only mode: the session is revalidated and logged out, never logged into). Secret.
   */
  apiKey?: string
  /**
   * Trading account to work with, by name (case-insensitive; kept in `meta.accountName`). `account()` resolves it to
   * its id. Default `PROJECT_X_ACCOUNT_NAME`; unset: the first active account.
   */
  accountName?: string
  /** Gateway API base. Default `PROJECTX_API_URL`, else `https://api.topstepx.com/api` (TopstepX). */
  baseURL?: string
}

/** A ProjectX strategy: the engine `Session` plus the session-token accessor. */
export interface ProjectXAuth extends Session {
  /** The configured account name, if any. */
  readonly accountName: string | undefined
  /** A valid session token (logs in or revalidates first when needed), e.g. for the SignalR hubs' `access_token`. */
  getSessionToken(): Promise<string>
  /**
   * The account to trade on — the active one named `accountName` (case-insensitive), else the first active one —
   * with the `id` that order calls take. Looked up once through `/Account/search`, then remembered (a failed lookup
   * is not). A name with no active account is a `ConfigError` listing the active names.
   */
  account(): Promise<ProjectXAccount>
}

const provider = 'projectx'

const meta = (_data: unknown, flow: ProjectXFlow): Record<string, string> => (flow.accountName ? { accountName: flow.accountName } : {})

/** The ProjectX flow config, one for every strategy; per-strategy values are read from the flow (`ProjectXFlow`). */
const PROJECTX = {
  name: provider,
  loginPath: '/Auth/loginKey',
  loginBody: (flow: ProjectXFlow) => ({ userName: flow.username, apiKey: flow.apiKey }),
  loginHeaders: { accept: 'text/plain' },
  responseSchema: projectXLoginResponse,
  tokenField: 'token',
  bodyError: (data: z.infer<typeof projectXLoginResponse>) => (data.success && data.token ? undefined : projectXLoginError(data)),
  meta,
  revalidate: {
    path: '/Auth/validate',
    responseSchema: projectXValidateResponse,
    tokenField: (data: z.infer<typeof projectXValidateResponse>) => data.newToken ?? data.token,
    bodyError: (data: z.infer<typeof projectXValidateResponse>) => (data.success && (data.newToken ?? data.token) ? undefined : projectXValidateError(data)),
    meta,
  },
  logoutPath: '/Auth/logout',
} as unknown as KeySecretJwtConfig

/** One ProjectX strategy's flow: its own fields only; the methods and constants live on the prototype. */
class ProjectXFlow extends JwtFlow {
  declare readonly baseURL: string
  /** The login's `userName`. */
  declare readonly username: string | undefined
  /**
   * The store key's label: the user name, plus the gateway's host when it is not TopstepX's (one user name can hold
   * accounts at several firms running the gateway; their tokens must never share a slot).
   */
  declare readonly identity: string | undefined
  declare readonly apiKey: string | undefined
  declare readonly accountName: string | undefined
  declare readonly canAcquire: boolean
  declare readonly secrets: Array<string | undefined>

  replayOn401(request: { url: URL; method: string }): boolean | AuthError {
    return projectXReplayOn401(request, new URL(this.baseURL))
  }
}
Object.assign(ProjectXFlow.prototype, {
  [CONFIG]: PROJECTX,
  name: provider,
  packageName: PACKAGE_NAME,
  refreshWindow: { beforeExpiryMs: PROJECTX_REFRESH_BEFORE_EXPIRY_MS },
  loginHint: 'Run `authmux login projectx`, or pass { username, apiKey } (PROJECT_X_USERNAME, PROJECT_X_API_KEY).',
})

/**
 * ProjectX Gateway (TopstepX and other firms): `userName` + API key → JWT at `/Auth/loginKey`, revalidated through
 * `/Auth/validate` 5 minutes before `exp` (falling back to a new login), `Authorization: Bearer` on every call,
 * `/Auth/logout` on `logout()`. `await using auth = createProjectXAuth(…)` stops its timer at scope end.
 * With only `{ storeKey, store }` it uses (and can log out) a session saved earlier.
 */
export function createProjectXAuth(options: ProjectXAuthOptions = {}): ProjectXAuth {
  const { username: usernameOption, apiKey: apiKeyOption, accountName: accountNameOption, baseURL: baseURLOption, ...session } = options
  // Session-only: no API key but an explicit storeKey — use (renew, log out) the stored session, never log in.
  const sessionOnly = session.storeKey !== undefined && optionOrEnv(apiKeyOption, 'PROJECT_X_API_KEY') === undefined
  const username = sessionOnly
    ? optionOrEnv(usernameOption, 'PROJECT_X_USERNAME')
    : requireOption(usernameOption, 'username', { provider, envName: 'PROJECT_X_USERNAME' })
  const apiKey = sessionOnly ? undefined : requireCredential(apiKeyOption, 'apiKey', { provider, envName: 'PROJECT_X_API_KEY' })
  if (apiKey !== undefined && apiKey.length <= 10) {
    throw new ConfigError(
      `${PACKAGE_NAME}: apiKey looks too short (10 characters or fewer) — copy the full key from the ProjectX platform (PROJECT_X_API_KEY).`,
      {
        provider,
        field: 'apiKey',
      },
    )
  }
  const accountName = optionOrEnv(accountNameOption, 'PROJECT_X_ACCOUNT_NAME')
  // The engine checks the base URL (https, or http to loopback) when the session is created.
  const baseURL = optionOrEnv(baseURLOption, 'PROJECTX_API_URL') ?? PROJECTX_DEFAULT_BASE_URL

  const identity = username && baseURL !== PROJECTX_DEFAULT_BASE_URL ? `${username}@${new URL(baseURL).host}` : username
  const flow = Object.assign(new ProjectXFlow(), { baseURL, username, identity, apiKey, accountName, canAcquire: !sessionOnly, secrets: [apiKey] })
  const strategy = createSession(flow, session) as ProjectXAuth
  let account: Promise<ProjectXAccount> | undefined
  Object.defineProperties(strategy, {
    accountName: { value: accountName, enumerable: false },
    getSessionToken: {
      value: async () => {
        await strategy.ensureValid()
        return strategy.accessToken as string
      },
      enumerable: false,
    },
    account: {
      value: () => {
        account ??= findProjectXAccount(strategy, accountName).catch((error: unknown) => {
          account = undefined
          throw error
        })
        return account
      },
      enumerable: false,
    },
  })
  return strategy
}
