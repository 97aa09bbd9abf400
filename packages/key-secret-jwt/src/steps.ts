import type { FlowContext, OutgoingRequest, TokenSet } from '@authmux/core'
import type { z } from 'zod'
import { tokenHeader } from './attach'
import { type Label, tokenSetFrom } from './token-set'
import type { LoginEndpoint, RevalidateEndpoint, TokenAttachment } from './types'

// The steps of the key/secret → JWT style, shared by the generic flow and the presets built on it (ProjectX).
// Each takes the endpoint description it runs, so one description serves every strategy of a provider.

/** Logs in at `endpoint.loginPath` with the body built from `fields`, and reads the token set from the answer. */
export async function loginForToken<F, S extends z.ZodType>(endpoint: LoginEndpoint<F, S>, ctx: FlowContext, fields: F, label: Label): Promise<TokenSet> {
  // The engine defaults the method to POST.
  const { data } = await ctx.request({
    url: endpoint.loginPath,
    method: endpoint.loginMethod,
    json: endpoint.loginBody(fields),
    headers: endpoint.loginHeaders,
    schema: endpoint.responseSchema,
  })
  return tokenSetFrom(data, endpoint, ctx, label, endpoint.loginPath)
}

/** Exchanges the current token at `endpoint.path` for a fresh one. */
export async function revalidateToken<S extends z.ZodType>(
  endpoint: RevalidateEndpoint<S>,
  attach: TokenAttachment | undefined,
  tokens: TokenSet,
  ctx: FlowContext,
  label: Label,
): Promise<TokenSet> {
  const { data } = await ctx.request({
    url: endpoint.path,
    method: endpoint.method,
    headers: headersFor(tokens.accessToken, attach),
    json: endpoint.body?.(tokens),
    schema: endpoint.responseSchema,
  })
  return tokenSetFrom(data, endpoint, ctx, label, endpoint.path)
}

/** Calls the provider's logout endpoint with the token (POST). */
export async function logoutToken(path: string, attach: TokenAttachment | undefined, tokens: TokenSet, ctx: FlowContext): Promise<void> {
  await ctx.request({ url: path, headers: headersFor(tokens.accessToken, attach) })
}

/** Attaches the token the configured way (nothing when the engine has none for this request). */
export function attachToken(attach: TokenAttachment | undefined, tokens: TokenSet | undefined, request: OutgoingRequest): void {
  if (!tokens) return
  const [name, value] = tokenHeader(tokens.accessToken, attach)
  request.headers.set(name, value)
}

function headersFor(token: string, attach: TokenAttachment | undefined): Record<string, string> {
  const [name, value] = tokenHeader(token, attach)
  return { [name]: value }
}
