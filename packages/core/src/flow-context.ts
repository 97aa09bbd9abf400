import type { z } from 'zod'
import { parseSetCookies, serializeCookies } from './cookies'
import { ConfigError, InvalidCredentialsError, ProviderError, RateLimitError, ResponseShapeError, isRejection, type AuthError } from './errors'
import { resolveExpiry } from './expiry'
import type { AuthFlow, FlowContext, FlowRejectedResponse, FlowRequest, FlowResponse } from './flow'
import type { Redactor } from './redact'
import { describeErrorBody } from './sanitize'
import { assertSecureURL } from './secure-url'
import { requestFailure } from './failure'
import { asNetworkError, retryAfterMs, send, type TransportOptions } from './transport'
import { resolveURL } from './urls'

/** Everything a FlowContext needs from its session. */
export interface FlowContextDeps {
  flow: AuthFlow
  baseURL: URL
  allowedOrigins: ReadonlySet<string>
  allowInsecureHttp: boolean
  transport: TransportOptions
  redactor: Redactor
}

/** Builds the `ctx` a flow's acquire/renew/revoke receive. */
export function createFlowContext(deps: FlowContextDeps): FlowContext {
  const { flow, transport, redactor } = deps
  const label = { provider: flow.name, packageName: flow.packageName }
  function request<S extends z.ZodType>(request: FlowRequest<S> & { acceptStatus?: undefined }): Promise<FlowResponse<z.infer<S>>>
  function request<S extends z.ZodType>(request: FlowRequest<S>): Promise<FlowResponse<z.infer<S>> | FlowRejectedResponse>
  async function request<S extends z.ZodType>(request: FlowRequest<S>): Promise<FlowResponse<z.infer<S>> | FlowRejectedResponse> {
    const url = resolveAuthURL(request.url, deps)
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(name, value)
    assertSecureURL(url, { ...label, allowInsecureHttp: deps.allowInsecureHttp })
    const method = (request.method ?? 'POST').toUpperCase()
    const headers = new Headers(request.headers)
    if (!headers.has('accept')) headers.set('accept', 'application/json')
    let body: string | undefined
    if (request.json !== undefined) {
      body = JSON.stringify(request.json)
      if (!headers.has('content-type')) headers.set('content-type', 'application/json')
    }
    if (request.cookies) {
      const cookie = serializeCookies(request.cookies)
      if (cookie) headers.set('cookie', headers.has('cookie') ? `${headers.get('cookie')}; ${cookie}` : cookie)
    }
    let response: Response
    try {
      // A 5xx the flow maps to a rejection (some providers answer a wrong password with 500) is never retried.
      const retryable =
        request.retry === false
          ? false
          : flow.toError
            ? async (candidate: Response) => {
                const mapped = flow.toError!({ status: candidate.status, headers: candidate.headers, data: await readBody(candidate), during: 'auth' })
                return !isRejection(mapped)
              }
            : true
      response = await send(url, { method, headers, body, redirect: 'manual' }, retryable, transport)
    } catch (error) {
      throw asNetworkError(error, url, transport)
    }
    const data = await readBody(response, url, transport)
    const cookies = parseSetCookies(response.headers, transport.now())
    const ok = response.status >= 200 && response.status < 300
    if (!ok && !request.acceptStatus?.includes(response.status)) {
      throw flow.toError?.({ status: response.status, headers: response.headers, data, during: 'auth' }) ?? defaultAuthError(response, data, url, deps)
    }
    if (ok && request.schema) {
      const parsed = request.schema.safeParse(data)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        const field = issue?.path.map(String).join('.') ?? ''
        throw new ResponseShapeError(
          `${flow.packageName}: unexpected response from ${url.pathname}: ${field ? `field "${field}"` : 'the body'} ${issue ? redactor.redact(issue.message).toLowerCase() : 'is invalid'}. The provider's API may have changed; please report it.`,
          { provider: flow.name, status: response.status, field },
        )
      }
      return { ok: true, status: response.status, headers: response.headers, data: parsed.data, cookies }
    }
    if (!ok) return { ok: false, status: response.status, headers: response.headers, data, cookies }
    // No schema given: the caller asked for the body as it comes (typed as the default `z.ZodType`'s output).
    return { ok: true, status: response.status, headers: response.headers, data: data as z.infer<S>, cookies }
  }
  return {
    now: transport.now,
    skewMs: () => transport.skew.skewMs,
    addSecret: (value) => redactor.add(value),
    expiry: (input) => resolveExpiry(input, { now: transport.now(), skewMs: transport.skew.skewMs }),
    request,
  }
}

function resolveAuthURL(target: string, deps: FlowContextDeps): URL {
  const url = resolveURL(deps.baseURL, target)
  if (!deps.allowedOrigins.has(url.origin)) {
    throw new ConfigError(`${deps.flow.packageName}: auth call to ${url.origin} refused: credentials only go to ${[...deps.allowedOrigins].join(', ')}.`, {
      provider: deps.flow.name,
      field: 'baseURL',
    })
  }
  return url
}

/**
 * Reads a body as JSON when it parses, else as text; undefined when empty. A body cut off mid-read (the connection
 * closed early) is a `NetworkError`, one its deadline stopped a `TimeoutError`, naming `url` when given.
 */
export async function readBody(response: Response, url?: URL, options?: Pick<TransportOptions, 'label' | 'timeoutMs'>): Promise<unknown> {
  let text: string
  try {
    text = await response.text()
  } catch (error) {
    const where = url ? `${url.origin}${url.pathname}` : response.url
    throw requestFailure(error, options?.label ?? { provider: 'authmux', packageName: '@authmux/core' }, where, 'read', options?.timeoutMs)
  }
  if (text === '') return undefined
  const type = response.headers.get('content-type') ?? ''
  if (type.includes('json') || /^\s*[[{"]/.test(text)) {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}

function defaultAuthError(response: Response, data: unknown, url: URL, deps: FlowContextDeps): AuthError {
  const { flow, redactor, transport } = deps
  const detail = describeErrorBody(data)
  const suffix = detail ? `: ${redactor.redact(detail)}` : ''
  const options = { provider: flow.name, status: response.status }
  if (response.status === 401 || response.status === 403) {
    return new InvalidCredentialsError(
      `${flow.packageName}: ${flow.name} rejected the credentials at ${url.pathname} (HTTP ${response.status})${suffix}.`,
      options,
    )
  }
  if (response.status === 429) return rateLimitError(flow, url.pathname, response.headers, transport, suffix)
  return new ProviderError(`${flow.packageName}: ${flow.name} answered HTTP ${response.status} at ${url.pathname}${suffix}.`, options)
}

/** A 429 as a typed error, with how long the provider asks to wait when it says. */
export function rateLimitError(flow: AuthFlow, path: string, headers: Headers, transport: TransportOptions, detail = ''): RateLimitError {
  const waitMs = retryAfterMs(headers, transport.now() + transport.skew.skewMs)
  const retry = waitMs === undefined ? '' : `; retry in ${Math.ceil(waitMs / 1000)} s`
  return new RateLimitError(`${flow.packageName}: ${flow.name} is rate limiting ${path} (HTTP 429)${detail}${retry}.`, {
    provider: flow.name,
    status: 429,
    ...(waitMs === undefined ? {} : { retryAfterMs: waitMs }),
  })
}
