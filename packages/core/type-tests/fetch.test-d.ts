// Type tests of `strategy.fetch` and the error classes, compiled against the built declarations (see tsconfig.json).
// A line marked @ts-expect-error must fail to compile: if it ever compiles (the type got looser — `any` creeping
// back in), tsc reports the unused directive and the typecheck fails.
import {
  type AuthFetch,
  type AuthFetchOptions,
  type AuthFetchResponse,
  type AuthStrategy,
  type AuthError,
  composeAuth,
  createAuthFetch,
  type NetworkError,
  ProviderError,
  TimeoutError,
} from '@authmux/core'
import { helperCall, type redactError } from '@authmux/core/provider'
import type { StoreKeyInput } from '@authmux/core/envelope'

/** True only when A and B are the same type (`any` is equal to nothing but `any`). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function assertType<T extends true>(): T | undefined {
  return undefined
}

declare const strategy: AuthStrategy

export async function fetchCalls(): Promise<void> {
  // The strategy's fetch is authmux's own type…
  assertType<Equal<AuthStrategy['fetch'], AuthFetch>>()

  // …resolving with `unknown` until the caller says what the body is.
  const body = await strategy.fetch('/agents/me')
  assertType<Equal<typeof body, unknown>>()
  // @ts-expect-error — unknown, not any: no property access without a type
  body.agentId

  const me = await strategy.fetch<{ agentId: string }>('/agents/me')
  assertType<Equal<typeof me, { agentId: string }>>()

  // `raw`: the standard Response, the parsed body in `_data`.
  const raw = await strategy.fetch.raw<{ ok: boolean }>('/agents', { method: 'POST', body: { name: 'bot' } })
  assertType<Equal<typeof raw, AuthFetchResponse<{ ok: boolean }>>>()
  assertType<Equal<typeof raw._data, { ok: boolean } | undefined>>()
  const status: number = raw.status
  const type: string | null = raw.headers.get('content-type')
  const untyped = await strategy.fetch.raw('/agents')
  assertType<Equal<typeof untyped._data, unknown>>()

  // What requests and options accept.
  await strategy.fetch(new URL('https://api.example.com/x'))
  await strategy.fetch(new Request('https://api.example.com/x'))
  // @ts-expect-error — a request is a string, a URL or a Request
  await strategy.fetch(42)
  const options: AuthFetchOptions = {
    method: 'POST',
    headers: { 'x-trace': '1' },
    body: [1, 2, 3],
    query: { page: 2, filter: undefined },
    signal: AbortSignal.timeout(1000),
    timeout: 5000,
    retry: 2,
    retryDelay: 100,
    retryStatusCodes: [503],
    responseType: 'text',
    baseURL: 'https://api.example.com/v2',
    ignoreResponseError: true,
  }
  await strategy.fetch('/x', options)
  await strategy.fetch('/x', { headers: new Headers([['accept', 'text/plain']]), body: new URLSearchParams({ a: '1' }) })
  await strategy.fetch('/x', { headers: [['accept', 'text/plain']], body: 'plain text', signal: null, retry: false })
  await strategy.fetch('/x', { parseResponse: (text) => text.length })
  // @ts-expect-error — the per-call limit is `timeout` (ms); `requestTimeoutMs` is the strategy option
  await strategy.fetch('/x', { timeoutMs: 5000 })
  // @ts-expect-error — not a response type
  await strategy.fetch('/x', { responseType: 'xml' })
  // @ts-expect-error — retry is a count or false
  await strategy.fetch('/x', { retry: 'twice' })

  // Derived fetches keep the type.
  const child = strategy.fetch.create({ headers: { 'x-tenant': 'a' } })
  assertType<Equal<typeof child, AuthFetch>>()
  const own = createAuthFetch(strategy, { timeout: 1000 })
  assertType<Equal<typeof own, AuthFetch>>()

  // composeAuth: the same contract, absolute URLs.
  const bot = composeAuth(strategy)
  assertType<Equal<Awaited<ReturnType<typeof bot.fetch>>, unknown>>()
  const info = await bot.fetch<{ balance: string }>('https://api.example.com/account', { query: { currency: 'USDT' } })
  assertType<Equal<typeof info, { balance: string }>>()
  // @ts-expect-error — composeAuth takes absolute URLs (string or URL), not a Request
  await bot.fetch(new Request('https://api.example.com/x'))

  void [status, type]
}

export async function failures(): Promise<void> {
  try {
    await strategy.fetch('/x')
  } catch (error) {
    if (error instanceof ProviderError) {
      const status: number | undefined = error.status
      const code: string | number | undefined = error.providerCode
      void [status, code]
    }
    // A timeout is a network error, and every one of them an AuthError with a code from the closed union.
    if (error instanceof TimeoutError) {
      const network: NetworkError = error
      const base: AuthError = network
      assertType<Equal<typeof base.code, AuthError['code']>>()
    }
  }
  // The preset helpers' wrapper keeps the result type and rejects with AuthError.
  const profile = await helperCall(strategy, async () => ({ agentId: 'a' }))
  assertType<Equal<typeof profile, { agentId: string }>>()
  assertType<Equal<ReturnType<typeof redactError>, AuthError>>()
}

export type { StoreKeyInput }
