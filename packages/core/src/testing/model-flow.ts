import { z } from 'zod'
import { MemoryTokenStore, TokenExpiredError, type AuthFlow, type TokenSet, type TokenStore, type TokenStoreChange } from '../index'
import { CANARY_API_KEY } from './canaries'
import { STORE_KEY } from './model-limits'

// ── the flow ──────────────────────────────────────────────────────────────────────────────────────────────────────

export const tokenBody = z.object({ access_token: z.string().min(1), refresh_token: z.string().min(1).optional(), expires_in: z.number().optional() })

/** The smallest flow against the model server: api key → tokens, refresh token → tokens, revoke, Bearer header. */
export function modelFlow(origin: string, options: { canAcquire?: boolean } = {}): AuthFlow {
  const read = (data: z.infer<typeof tokenBody>, ctx: Parameters<AuthFlow['acquire']>[0]): TokenSet => ({
    accessToken: data.access_token,
    refreshToken: data.refresh_token,
    expiresAt: ctx.expiry({ expiresInSeconds: data.expires_in, jwt: data.access_token }),
  })
  return {
    name: 'model',
    packageName: '@authmux/core-model',
    baseURL: `${origin}/api`,
    secrets: [CANARY_API_KEY],
    identity: 'acct',
    canAcquire: options.canAcquire ?? true,
    async acquire(ctx) {
      const res = await ctx.request({ url: `${origin}/auth/token`, json: { apiKey: CANARY_API_KEY }, schema: tokenBody })
      return read(res.data, ctx)
    },
    async renew(tokens, ctx) {
      if (!tokens.refreshToken) throw new TokenExpiredError('@authmux/core-model: no refresh token held', { provider: 'model' })
      const res = await ctx.request({ url: `${origin}/auth/refresh`, json: { refreshToken: tokens.refreshToken }, schema: tokenBody })
      return read(res.data, ctx)
    },
    async revoke(tokens, ctx) {
      await ctx.request({ url: `${origin}/auth/revoke`, json: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }, retry: false })
    },
    apply(tokens, request) {
      if (tokens) request.headers.set('authorization', `Bearer ${tokens.accessToken}`)
    },
    isAuthEndpoint: (url) => url.pathname.startsWith('/auth/'),
  }
}

// ── a store that tells the harness about every write ─────────────────────────────────────────────────────────────

/**
 * A MemoryTokenStore (with its lock) that reports the engine's writes. With `notifies` it passes on change
 * notifications; without, it is a store that cannot (like a file another process writes): sessions only see other
 * writers' tokens when they read the store.
 */
export class RecordingStore implements TokenStore {
  readonly inner = new MemoryTokenStore()
  /** What the store holds under STORE_KEY right now (kept synchronously). */
  current: TokenSet | undefined
  onChange?: (key: string, listener: (change: TokenStoreChange) => void) => () => void
  constructor(
    private readonly onEngineWrite: (previous: TokenSet | undefined, next: TokenSet | undefined) => void,
    notifies: boolean,
  ) {
    if (notifies) this.onChange = (key, listener) => this.inner.onChange(key, listener)
  }

  get(key: string): Promise<TokenSet | undefined> {
    return this.inner.get(key)
  }
  set(key: string, tokens: TokenSet): Promise<void> {
    const previous = this.current
    this.current = structuredClone(tokens)
    this.onEngineWrite(previous, tokens)
    return this.inner.set(key, tokens)
  }
  delete(key: string): Promise<void> {
    const previous = this.current
    this.current = undefined
    this.onEngineWrite(previous, undefined)
    return this.inner.delete(key)
  }
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.inner.withLock(key, fn)
  }
  /** A write by someone else (another process, an admin tool): not checked, but sessions are notified. */
  externalSet(tokens: TokenSet): Promise<void> {
    this.current = structuredClone(tokens)
    return this.inner.set(STORE_KEY, tokens)
  }
  externalDelete(): Promise<void> {
    this.current = undefined
    return this.inner.delete(STORE_KEY)
  }
  toJSON(): string {
    return 'RecordingStore'
  }
}
