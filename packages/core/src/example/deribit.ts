// The worked example of CONTRIBUTING.md ("Adding a provider"), kept here so that a test runs it. A Deribit-style API:
// client id + secret sent as GET query parameters, access + refresh tokens, errors as HTTP 400 with a JSON body.
import { z } from 'zod'
import { InvalidCredentialsError, ProviderError, createSession, type Session, type SessionOptions } from '../index'
import { defineFlow, extendSession, type FlowFields, requireOption } from '../provider'

const PACKAGE_NAME = '@acme/authmux-deribit'

/** What the token endpoint answers (validated: a mismatch is a ResponseShapeError naming the field). */
const tokenAnswer = z.object({
  result: z.object({ access_token: z.string(), refresh_token: z.string(), expires_in: z.number() }),
})

/** One strategy's own values: the fields every flow has, plus the client id and secret. */
interface DeribitFields extends FlowFields {
  readonly clientId: string
  readonly clientSecret: string
}

/** The flow, written once for every Deribit strategy. */
const deribitFlow = defineFlow<DeribitFields>({
  name: 'deribit',
  packageName: PACKAGE_NAME,
  async acquire(ctx, fields) {
    const query = { grant_type: 'client_credentials', client_id: fields.clientId, client_secret: fields.clientSecret }
    const { data } = await ctx.request({ url: '/public/auth', method: 'GET', query, schema: tokenAnswer })
    return {
      accessToken: data.result.access_token,
      refreshToken: data.result.refresh_token,
      expiresAt: ctx.expiry({ expiresInSeconds: data.result.expires_in }),
    }
  },
  async renew(tokens, ctx) {
    const query = { grant_type: 'refresh_token', refresh_token: tokens.refreshToken }
    const { data } = await ctx.request({ url: '/public/auth', method: 'GET', query, schema: tokenAnswer })
    return {
      accessToken: data.result.access_token,
      refreshToken: data.result.refresh_token,
      expiresAt: ctx.expiry({ expiresInSeconds: data.result.expires_in }),
    }
  },
  apply(tokens, request) {
    if (tokens) request.headers.set('authorization', `Bearer ${tokens.accessToken}`)
  },
  isAuthEndpoint: (url) => url.pathname.endsWith('/public/auth'),
  // Deribit answers every error with HTTP 400 and { error: { code, message } }; 13004 = invalid credentials.
  toError({ status, data }) {
    const error = (data as { error?: { code?: number; message?: string } } | undefined)?.error
    if (status !== 400 || !error) return undefined
    const options = { provider: 'deribit', status, providerCode: error.code }
    if (error.code === 13004)
      return new InvalidCredentialsError(
        `${PACKAGE_NAME}: Deribit rejected the client id or secret — check DERIBIT_CLIENT_ID and DERIBIT_CLIENT_SECRET.`,
        options,
      )
    return new ProviderError(`${PACKAGE_NAME}: Deribit answered error ${error.code}: ${error.message ?? 'no message'}.`, options)
  },
})

/** Options of `createDeribitAuth`; every `SessionOptions` field is accepted too. */
export interface DeribitAuthOptions extends SessionOptions {
  /** Client id. Default `DERIBIT_CLIENT_ID`. */
  clientId?: string
  /** Client secret. Default `DERIBIT_CLIENT_SECRET`. Secret. */
  clientSecret?: string
  /** API base. Default `https://www.deribit.com/api/v2`. */
  baseURL?: string
  /** Environment to read (default `process.env`); `false` reads none. */
  env?: Record<string, string | undefined> | false
}

/** A Deribit strategy: the engine's `Session`, plus the client id it logs in with. */
export interface DeribitAuth extends Session {
  readonly clientId: string
}

/** Deribit: client credentials → access + refresh tokens, refreshed ahead of expiry, `Authorization: Bearer`. */
export function createDeribitAuth(options: DeribitAuthOptions = {}): DeribitAuth {
  const { clientId: clientIdOption, clientSecret: secretOption, baseURL, env, ...session } = options
  const where = { provider: 'deribit', packageName: PACKAGE_NAME, env }
  const clientId = requireOption(clientIdOption, { ...where, field: 'clientId', envName: 'DERIBIT_CLIENT_ID' })
  const clientSecret = requireOption(secretOption, { ...where, field: 'clientSecret', envName: 'DERIBIT_CLIENT_SECRET' })
  const flow = deribitFlow({
    baseURL: baseURL ?? 'https://www.deribit.com/api/v2',
    identity: clientId, // names the store slot; never a secret
    secrets: [clientSecret], // redacted everywhere, in every encoding (the query string included)
    clientId,
    clientSecret,
  })
  return extendSession(createSession(flow, session), { clientId })
}
