// Issue 12 against a misbehaving Apala (Phoenix; served at the origin root): POST /api/auth/token {api_key} →
// { access_token, refresh_token, token_type, expires_in, company_id, company_name }; POST /api/auth/refresh
// {refresh_token} → { access_token, expires_in }; `Authorization: Bearer <access_token>` on the API.
import type { AuthEventMap } from '@authmux/core'
import { json, startHostileServer, type HostileServer } from '@authmux/testkit'
import { afterEach, beforeEach, vi } from 'vitest'
import { createApalaAuth, type ApalaAuth, type ApalaAuthOptions } from '../index'

export const TOKEN = '/api/auth/token'
export const REFRESH = '/api/auth/refresh'
export const OPTIMIZE = '/api/message_optimizer'
export const API_KEY = 'CANARY-apala-key-0123456789abcdefghijklmnopq='

let serial = 0
/** An exchange answer: fresh tokens, `extra` overriding fields (expires_in, …). */
export const exchange = (extra: Record<string, unknown> = {}) => ({
  access_token: `access-${serial++}`,
  refresh_token: 'CANARY-apala-refresh-token',
  token_type: 'Bearer',
  expires_in: 3600,
  company_id: 'co-1',
  company_name: 'Hostile Lending',
  ...extra,
})
/** A refresh answer: a fresh access token. */
export const refreshed = (extra: Record<string, unknown> = {}) => ({ access_token: `access-${serial++}`, expires_in: 3600, ...extra })

/** A protected API call. */
export const optimize = (auth: ApalaAuth, options: { signal?: AbortSignal } = {}) =>
  auth.fetch(OPTIMIZE, { method: 'POST', body: { message: { content: 'Hi', channel: 'SMS' } }, ...options })

/** The error `fn` throws or its promise rejects with. */
export async function failureOf(fn: () => unknown): Promise<Error> {
  try {
    await fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a failure')
}

/** Records the errors a strategy emits. */
export function errorEvents(auth: ApalaAuth): unknown[] {
  const errors: unknown[] = []
  auth.on('error', (event: AuthEventMap['error']) => errors.push(event.error))
  return errors
}

/**
 * A fresh hostile server per test answering like Apala (routes replaceable), and `apala()` strategies on it (fast
 * retries) disposed after the test; real timers restored after each test.
 */
export function useHostileApala() {
  let server: HostileServer | undefined
  const open: ApalaAuth[] = []
  beforeEach(async () => {
    server = await startHostileServer()
    server.route(
      'POST',
      TOKEN,
      json(() => exchange()),
    )
    server.route(
      'POST',
      REFRESH,
      json(() => refreshed()),
    )
    server.route('POST', OPTIMIZE, json({ message_id: 'm-1', optimized_message: 'Hi', recommended_channel: 'SMS', original_message: 'Hi' }))
  })
  afterEach(async () => {
    vi.useRealTimers()
    for (const auth of open.splice(0)) auth.dispose()
    await server?.close()
  })
  const current = (): HostileServer => {
    if (!server) throw new Error('the hostile server starts in beforeEach')
    return server
  }
  return {
    get server(): HostileServer {
      return current()
    },
    apala(options: ApalaAuthOptions = {}): ApalaAuth {
      const auth = createApalaAuth({ apiKey: API_KEY, baseURL: current().origin, retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...options })
      open.push(auth)
      return auth
    },
    /** Exchanges and refreshes that reached the server. */
    authCalls: (): number => current().count(TOKEN) + current().count(REFRESH),
  }
}
