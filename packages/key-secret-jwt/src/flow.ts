import type { AuthFlow, SessionOptions } from '@authmux/core'
import type { z } from 'zod'
import { tokenHeader } from './attach'
import { PACKAGE_NAME } from './options'
import { normalisePath, pathBelowBase } from './paths'
import { tokenSetFrom } from './token-set'
import type { KeySecretJwtConfig } from './types'

/** The keys of `KeySecretJwtConfig` that describe the flow; everything else is a `SessionOptions` field. */
const FLOW_KEYS = [
  'name',
  'baseURL',
  'loginPath',
  'loginMethod',
  'loginBody',
  'loginHeaders',
  'responseSchema',
  'tokenField',
  'expiresAtField',
  'expiresInSecondsField',
  'bodyError',
  'meta',
  'revalidate',
  'logoutPath',
  'attach',
  'secrets',
  'identity',
  'packageName',
] as const

/** Splits a config object into the flow part and the `SessionOptions` part. */
export function splitConfig<C extends object>(config: C): SessionOptions {
  const session: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(config)) {
    if (!(FLOW_KEYS as readonly string[]).includes(key)) session[key] = value
  }
  return session as SessionOptions
}

/**
 * The declarative flow of the key/secret → JWT style: log in at `loginPath`, read the token and its expiry,
 * renew through `revalidate` when configured (else the engine logs in again), attach the token as a header.
 */
export function createKeySecretJwtFlow<S extends z.ZodType, R extends z.ZodType>(config: KeySecretJwtConfig<S, R>): AuthFlow {
  const packageName = config.packageName ?? PACKAGE_NAME
  const base = new URL(config.baseURL)
  const label = { provider: config.name, packageName }
  const authPaths = new Set(
    [config.loginPath, config.revalidate?.path, config.logoutPath].filter((p): p is string => !!p).map((p) => normalisePath(p).toLowerCase()),
  )
  const headersFor = (token: string): Record<string, string> => {
    const [name, value] = tokenHeader(token, config.attach)
    return { [name]: value }
  }

  const flow: AuthFlow = {
    name: config.name,
    packageName,
    baseURL: config.baseURL,
    secrets: config.secrets ?? [],
    acquire: async (ctx) => {
      const response = await ctx.request({
        url: config.loginPath,
        method: config.loginMethod ?? 'POST',
        json: config.loginBody(),
        ...(config.loginHeaders ? { headers: config.loginHeaders } : {}),
        schema: config.responseSchema,
      })
      return tokenSetFrom(response.data, config, ctx, { ...label, endpoint: config.loginPath })
    },
    apply: (tokens, request) => {
      if (!tokens) return
      const [name, value] = tokenHeader(tokens.accessToken, config.attach)
      request.headers.set(name, value)
    },
    isAuthEndpoint: (url) => {
      const path = pathBelowBase(url, base)
      return path !== undefined && authPaths.has(normalisePath(path).toLowerCase())
    },
  }
  if (config.identity !== undefined) flow.identity = config.identity
  if (config.attach?.header) flow.credentialHeaders = [config.attach.header]

  const revalidate = config.revalidate
  if (revalidate) {
    flow.renew = async (tokens, ctx) => {
      const response = await ctx.request({
        url: revalidate.path,
        method: revalidate.method ?? 'POST',
        headers: headersFor(tokens.accessToken),
        ...(revalidate.body ? { json: revalidate.body(tokens) } : {}),
        schema: revalidate.responseSchema,
      })
      return tokenSetFrom(response.data, revalidate, ctx, { ...label, endpoint: revalidate.path })
    }
  }
  const logoutPath = config.logoutPath
  if (logoutPath) {
    flow.revoke = async (tokens, ctx) => {
      await ctx.request({ url: logoutPath, method: 'POST', headers: headersFor(tokens.accessToken) })
    }
  }
  return flow
}
