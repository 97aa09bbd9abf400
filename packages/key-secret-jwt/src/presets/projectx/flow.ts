import type { TokenSet } from '@authmux/core'
import { defineFlow, type FlowFields, type FlowSpec, isEndpoint } from '@authmux/core/provider'
import { PACKAGE_NAME } from '../../package-name'
import { attachToken, loginForToken, logoutToken, revalidateToken } from '../../steps'
import type { LoginEndpoint, RevalidateEndpoint } from '../../types'
import { PROJECTX_REFRESH_BEFORE_EXPIRY_MS } from './constants'
import { projectXLoginError, projectXValidateError } from './errors'
import { projectXReplayOn401 } from './orders'
import { projectXLoginResponse, projectXValidateResponse } from './schemas'

/** What one ProjectX strategy holds; the methods and endpoints live once on the shared flow (`projectXFlow`). */
export interface ProjectXFields extends FlowFields {
  /** The login's `userName`: the platform user the API key belongs to. */
  readonly username: string | undefined
  /** The API key (more than 10 characters); undefined in session-only mode. */
  readonly apiKey: string | undefined
  /** The trading account to work with, by name (kept in `meta.accountName`). */
  readonly accountName: string | undefined
}

const label = { name: 'projectx', packageName: PACKAGE_NAME }

/** `POST /Auth/loginKey { userName, apiKey }`: HTTP 200 even on failure (`success: false` + `errorCode`). */
const LOGIN: LoginEndpoint<ProjectXFields, typeof projectXLoginResponse> = {
  loginPath: '/Auth/loginKey',
  loginBody: (fields) => ({ userName: fields.username, apiKey: fields.apiKey }),
  loginHeaders: { accept: 'text/plain' },
  responseSchema: projectXLoginResponse,
  tokenField: 'token',
  bodyError: (data) => (data.success && data.token ? undefined : projectXLoginError(data)),
}

/** `POST /Auth/validate` with the current token: a fresh JWT in `newToken` (some versions say `token`). */
const VALIDATE: RevalidateEndpoint<typeof projectXValidateResponse> = {
  path: '/Auth/validate',
  responseSchema: projectXValidateResponse,
  tokenField: (data) => data.newToken ?? data.token,
  bodyError: (data) => (data.success && (data.newToken ?? data.token) ? undefined : projectXValidateError(data)),
}

const LOGOUT_PATH = '/Auth/logout'

/** The configured account name goes to `meta.accountName` (the JWT's `exp` is the only expiry ProjectX gives). */
function withAccount(tokens: TokenSet, fields: ProjectXFields): TokenSet {
  return fields.accountName === undefined ? tokens : { ...tokens, meta: { ...tokens.meta, accountName: fields.accountName } }
}

/**
 * ProjectX Gateway: `userName` + API key → JWT at `/Auth/loginKey`, revalidated through `/Auth/validate` 5 minutes
 * before `exp` (falling back to a new login), `Authorization: Bearer` on every call, `/Auth/logout` on `logout()`;
 * a 401 on a state-changing order call is never replayed.
 */
export const projectXSpec: FlowSpec<ProjectXFields> = {
  name: label.name,
  packageName: PACKAGE_NAME,
  refreshWindow: { beforeExpiryMs: PROJECTX_REFRESH_BEFORE_EXPIRY_MS },
  loginHint: 'Run `authmux login projectx`, or pass { username, apiKey } (or set PROJECT_X_USERNAME and PROJECT_X_API_KEY).',
  acquire: async (ctx, fields) => withAccount(await loginForToken(LOGIN, ctx, fields, label), fields),
  renew: async (tokens, ctx, fields) => withAccount(await revalidateToken(VALIDATE, undefined, tokens, ctx, label), fields),
  revoke: (tokens, ctx) => logoutToken(LOGOUT_PATH, undefined, tokens, ctx),
  apply: (tokens, request) => attachToken(undefined, tokens, request),
  isAuthEndpoint: (url, fields) => {
    const base = new URL(fields.baseURL)
    return [LOGIN.loginPath, VALIDATE.path, LOGOUT_PATH].some((path) => isEndpoint(base, url, path))
  },
  replayOn401: (request, fields) => projectXReplayOn401(request, new URL(fields.baseURL)),
}

/** One flow per strategy, sharing `projectXSpec`'s methods: `projectXFlow(fields)`. */
export const projectXFlow = defineFlow(projectXSpec)
