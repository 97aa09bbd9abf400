import type { AuthFlow, FlowContext, OutgoingRequest, TokenSet } from '@authmux/core'
import type { z } from 'zod'
import { tokenHeader } from './attach'
import { PACKAGE_NAME } from './options'
import { normalisePath, pathBelowBase } from './paths'
import { tokenSetFrom } from './token-set'
import type { KeySecretJwtConfig } from './types'

/** Where a flow keeps its config (a symbol: spread-safe, off `JSON.stringify`). */
export const CONFIG: unique symbol = Symbol('key-secret-jwt config')

/** The token header of `token` for this flow's `attach` option. */
const headersFor = (flow: JwtFlow, token: string): Record<string, string> => Object.fromEntries([tokenHeader(token, flow[CONFIG].attach)])

/**
 * A key/secret → JWT flow whose methods are shared by every flow (prototype methods, `this` being the flow), so a
 * flow costs only its own fields. A preset subclass puts its constants (`[CONFIG]`, `name`, `packageName` …) on its
 * prototype and keeps one config per provider; `loginBody(flow)` and `meta(data, flow)` read per-instance values.
 */
export class JwtFlow implements AuthFlow {
  declare readonly [CONFIG]: KeySecretJwtConfig
  declare readonly name: string
  declare readonly packageName: string
  declare readonly baseURL: string

  async acquire(ctx: FlowContext): Promise<TokenSet> {
    const config = this[CONFIG]
    // The engine defaults the method to POST.
    const response = await ctx.request({
      url: config.loginPath,
      method: config.loginMethod,
      json: (config.loginBody as (flow: JwtFlow) => unknown)(this),
      headers: config.loginHeaders,
      schema: config.responseSchema,
    })
    return tokenSetFrom(response.data, config, ctx, this, config.loginPath)
  }

  apply(tokens: TokenSet | undefined, request: OutgoingRequest): void {
    if (!tokens) return
    const [name, value] = tokenHeader(tokens.accessToken, this[CONFIG].attach)
    request.headers.set(name, value)
  }

  isAuthEndpoint(url: URL): boolean {
    const { loginPath, revalidate, logoutPath } = this[CONFIG]
    const path = pathBelowBase(url, new URL(this.baseURL))
    const same = (p: string | undefined) => !!p && !!path && normalisePath(p).toLowerCase() === normalisePath(path).toLowerCase()
    return same(loginPath) || same(revalidate?.path) || same(logoutPath)
  }

  async renew(tokens: TokenSet, ctx: FlowContext): Promise<TokenSet> {
    const revalidate = this[CONFIG].revalidate!
    const response = await ctx.request({
      url: revalidate.path,
      method: revalidate.method,
      headers: headersFor(this, tokens.accessToken),
      json: revalidate.body?.(tokens),
      schema: revalidate.responseSchema,
    })
    return tokenSetFrom(response.data, revalidate, ctx, this, revalidate.path)
  }

  async revoke(tokens: TokenSet, ctx: FlowContext): Promise<void> {
    await ctx.request({ url: this[CONFIG].logoutPath!, headers: headersFor(this, tokens.accessToken) })
  }
}

/**
 * The declarative flow of the key/secret → JWT style: log in at `loginPath`, read the token and its expiry,
 * renew through `revalidate` when configured (else the engine logs in again), attach the token as a header.
 */
export function createKeySecretJwtFlow<S extends z.ZodType, R extends z.ZodType>(config: KeySecretJwtConfig<S, R>): AuthFlow {
  new URL(config.baseURL) // an unparsable baseURL fails here (a TypeError), not on the first 401
  const shared = JwtFlow.prototype
  const flow: AuthFlow & { [CONFIG]: KeySecretJwtConfig } = {
    [CONFIG]: config as KeySecretJwtConfig,
    name: config.name,
    packageName: config.packageName ?? PACKAGE_NAME,
    baseURL: config.baseURL,
    secrets: config.secrets ?? [],
    acquire: shared.acquire,
    apply: shared.apply,
    isAuthEndpoint: shared.isAuthEndpoint,
  }
  if (config.identity !== undefined) flow.identity = config.identity
  if (config.attach?.header) flow.credentialHeaders = [config.attach.header]
  if (config.revalidate) flow.renew = shared.renew
  if (config.logoutPath) flow.revoke = shared.revoke
  return flow
}
