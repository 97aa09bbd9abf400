import { raceAbort } from './abort'
import { TokenExpiredError } from './errors'
import { MemoryTokenStore } from './memory-store'
import { RefreshThrottle } from './refresh-throttle'
import { type ObtainReason, Renewer } from './renewer'
import { DEFAULT_MUST_REFRESH_BEFORE_EXPIRY_MS, DEFAULT_REFRESH_WINDOW, refreshScheduler } from './schedule'
import type { SessionContext } from './session-context'
import { signedOutError } from './signed-out'
import { bumpGeneration, flightsFor, generationOf } from './store-registry'
import { StoreSync } from './store-sync'
import { checkTokenSet, type TokenSource } from './token-check'
import { completeTokenSet } from './token-complete'
import { issuedAtOf, TokenState } from './token-state'
import type { AuthStatus, TokenSet } from './types'

/**
 * A credential's life: the token held and its zone (`TokenState`), loading it from the store and following the
 * store's changes (`StoreSync`), obtaining new ones (`Renewer`), the background timer and its throttle, logout.
 */
export class Lifecycle {
  readonly state: TokenState
  readonly #deps: SessionContext
  readonly #sync: StoreSync
  #throttleInstance: RefreshThrottle | undefined
  #renewerInstance: Renewer | undefined
  #loaded = false
  #loading: Promise<void> | undefined
  /** `initialTokens`, checked, until the first load uses or discards them. */
  #seed: TokenSet | undefined
  #cancelTimer: (() => void) | undefined
  #disposed = false
  /** `logout()` calls so far: an import that a later `logout()` call overtook is discarded. */
  #logoutCalls = 0
  /** The store key's logout generation when the held token was adopted (undefined while the key is unknown). */
  #adoptedInGeneration: number | undefined

  constructor(deps: SessionContext) {
    const { flow, options } = deps
    this.#deps = deps
    this.state = new TokenState({
      window: options.refreshWindow ?? flow.refreshWindow ?? DEFAULT_REFRESH_WINDOW,
      mustRefreshBeforeExpiryMs: options.mustRefreshBeforeExpiryMs ?? DEFAULT_MUST_REFRESH_BEFORE_EXPIRY_MS,
    })
    this.#sync = new StoreSync(options.store ?? new MemoryTokenStore(), deps)
    if (options.initialTokens) {
      this.#seed = this.complete(options.initialTokens, undefined, { kind: 'user', where: 'the initialTokens option', option: 'initialTokens' })
    }
  }

  /** Built on first use, so that idle sessions stay small. */
  get #throttle(): RefreshThrottle {
    this.#throttleInstance ??= new RefreshThrottle(this.#deps.options.refreshThrottle)
    return this.#throttleInstance
  }

  get #renewer(): Renewer {
    this.#renewerInstance ??= new Renewer({
      context: this.#deps,
      state: this.state,
      store: this.#sync,
      throttle: this.#throttle,
      complete: (tokens, previous, source) => this.complete(tokens, previous, source),
      adopt: (tokens) => this.#adopt(tokens, false),
    })
    return this.#renewerInstance
  }

  status(): AuthStatus {
    return this.state.status(this.#deps.now())
  }

  /** The token held when it can be sent as is, synchronously (loaded, before its refresh point). */
  fresh(): TokenSet | undefined {
    return this.#loaded && this.state.zone(this.#deps.now()) === 'fresh' ? this.state.tokens : undefined
  }

  storeKey(): Promise<string> {
    return this.#sync.key()
  }

  /**
   * A token fit to send now. By zone: `fresh` → as is; `window` → as is, refreshed in the background; `must` and
   * `expired` → wait for a refresh, unless automatic refreshes are backing off (then the token held is sent as is);
   * `none` → log in. The caller's `signal` ends its own wait.
   */
  async current(signal?: AbortSignal | null): Promise<TokenSet> {
    if (!this.#loaded) await raceAbort(this.load(), signal)
    const tokens = this.state.tokens
    const now = this.#deps.now()
    switch (this.state.zone(now)) {
      case 'fresh':
        return tokens!
      case 'window':
        this.#refreshInBackground()
        return tokens!
      case 'must':
      case 'expired':
        if (!this.#throttle.allows(now, false)) return tokens!
        return raceAbort(this.#renewer.obtain('request'), signal)
      case 'none':
        return raceAbort(this.#renewer.obtain('request'), signal)
    }
  }

  /**
   * Tokens for a stream (re)connect: like `current()`, and with `renewInWindow` a refresh is awaited inside the refresh
   * window too (a stream cannot swap its token later; the provider checks it once, at the upgrade).
   */
  async forStream(renewInWindow: boolean, signal?: AbortSignal | null): Promise<TokenSet> {
    if (!this.#loaded) await raceAbort(this.load(), signal)
    const now = this.#deps.now()
    if (renewInWindow && this.state.zone(now) === 'window' && this.#throttle.allows(now, false)) {
      return raceAbort(this.#renewer.obtain('request'), signal)
    }
    return this.current(signal)
  }

  /** An explicit `login()` or `refresh()`: never throttled. */
  async explicit(reason: Extract<ObtainReason, 'login' | 'refresh'>): Promise<void> {
    await this.load()
    await this.#renewer.obtain(reason)
  }

  /** After a 401 on a request sent with `usedToken`: renew unless someone already did, or renewals are backing off. */
  async recover(usedToken: string, signal?: AbortSignal | null): Promise<void> {
    const { flow, now } = this.#deps
    // Signed out since the request went out (a logout here or elsewhere): a stale 401 never signs back in.
    if (!this.state.tokens) {
      throw new TokenExpiredError(`${flow.packageName}: logged out of ${flow.name} while this request was in flight; not logging in again for it.`, {
        provider: flow.name,
        code: 'SIGNED_OUT',
        status: 401,
      })
    }
    // A logout on this store and key since the held token was adopted (by another session, maybe one this session never
    // heard from: a disposed one, a store without change notices) revoked it: signed out too, not a reason to log in.
    const key = this.#sync.knownKey
    if (key !== undefined && this.#adoptedInGeneration !== undefined && generationOf(this.#sync.store, key) !== this.#adoptedInGeneration) {
      this.state.clear()
      this.#cancelSchedule()
      throw new TokenExpiredError(
        `${flow.packageName}: logged out of ${flow.name} (on this store and key) after this token was issued; not logging in again for this request.`,
        {
          provider: flow.name,
          code: 'SIGNED_OUT',
          status: 401,
        },
      )
    }
    if (this.state.tokens.accessToken !== usedToken) return
    if (!this.#throttle.allows(now(), false)) {
      const waitS = Math.ceil((this.#throttle.nextAt(false) - now()) / 1000)
      throw new TokenExpiredError(
        `${flow.packageName}: ${flow.name} refused the token (HTTP 401) and its last renewals were of no use; not renewing again for ${waitS} s.`,
        { provider: flow.name, status: 401 },
      )
    }
    await raceAbort(this.#renewer.obtain('recover'), signal)
  }

  /** Logs out: every obtain in flight (or started meanwhile) is discarded; revokes at the provider; clears the store. */
  async logout(): Promise<void> {
    const { flow, reporter, events, now } = this.#deps
    this.#logoutCalls++
    const key = await this.#sync.key()
    bumpGeneration(this.#sync.store, key)
    await this.load()
    // Tokens only in the store (a fresh process) are revoked at the provider too.
    const tokens = this.state.tokens
    this.state.clear()
    this.#cancelSchedule()
    if (tokens && flow.revoke) {
      try {
        await flow.revoke(tokens, this.#deps.ctx())
      } catch (error) {
        reporter.error(error, 'logout')
      }
    }
    bumpGeneration(this.#sync.store, key)
    this.state.clear()
    await this.#sync.remove(key)
    events.emit('logout', { provider: flow.name, at: now() })
  }

  /**
   * Imports the user's tokens: checked, adopted whatever their age, stored, followed. A `logout()` called after it (or
   * on the same store and key while it is stored) wins: the import is discarded and rejects with `SIGNED_OUT`.
   */
  async setTokens(tokens: TokenSet): Promise<void> {
    const imported = this.complete(tokens, undefined, { kind: 'user', where: 'setTokens()' })
    const logoutCallsAtStart = this.#logoutCalls
    this.#loaded = true
    this.#throttle.reset()
    this.#adopt(imported, true)
    const key = await this.#sync.key()
    const generation = generationOf(this.#sync.store, key)
    if (this.#logoutCalls !== logoutCallsAtStart) throw signedOutError(this.#deps.flow, 'this import')
    if (this.state.tokens === imported) this.#adoptedInGeneration = generation
    this.#follow(key)
    if (!(await this.#saveUnlessSignedOut(key, imported, generation))) throw signedOutError(this.#deps.flow, 'this import')
    this.#deps.events.emit('login', { provider: this.#deps.flow.name, source: 'import', expiresAt: imported.expiresAt, at: this.#deps.now() })
  }

  /**
   * Stores `tokens` unless a logout started a new generation meanwhile; false when it did. A logout whose delete landed
   * while the write was under way would leave them behind, so they are removed again (and dropped from memory).
   */
  async #saveUnlessSignedOut(key: string, tokens: TokenSet, generation: number): Promise<boolean> {
    const store = this.#sync.store
    if (generationOf(store, key) === generation) {
      await this.#sync.save(key, tokens)
      if (generationOf(store, key) === generation) return true
      await this.#sync.remove(key)
    }
    if (this.state.tokens === tokens) this.state.clear()
    return false
  }

  dispose(): void {
    this.#disposed = true
    this.#cancelSchedule()
    this.#sync.unsubscribe()
  }

  load(): Promise<void> {
    if (this.#loaded) return Promise.resolve()
    this.#loading ??= this.#loadOnce().finally(() => {
      this.#loaded = true
      this.#loading = undefined
    })
    return this.#loading
  }

  /** Checks a token set from a flow or the user and completes it; registers its tokens for redaction first. */
  complete(tokens: TokenSet, previous: TokenSet | undefined, source: TokenSource): TokenSet {
    const { redactor, reporter, label, now, skew } = this.#deps
    if (tokens && typeof tokens === 'object') {
      redactor.add(typeof tokens.accessToken === 'string' ? tokens.accessToken : undefined)
      redactor.add(typeof tokens.refreshToken === 'string' ? tokens.refreshToken : undefined)
    }
    try {
      checkTokenSet(tokens, source, label)
    } catch (error) {
      throw reporter.sanitize(error)
    }
    return completeTokenSet(tokens, previous, { now: now(), skewMs: skew.skewMs }, source.kind === 'user')
  }

  async #loadOnce(): Promise<void> {
    const { events, flow, now } = this.#deps
    const key = await this.#sync.key()
    const generation = generationOf(this.#sync.store, key)
    this.#follow(key)
    const stored = await this.#sync.get(key)
    const seed = this.#seed
    this.#seed = undefined
    // Tokens adopted meanwhile (setTokens, an obtain) win; a logout meanwhile discards what was read.
    if (this.state.tokens || generationOf(this.#sync.store, key) !== generation) return
    if (stored) {
      this.#adopt(stored, false)
      events.emit('login', { provider: flow.name, source: 'store', expiresAt: stored.expiresAt, at: now() })
    } else if (seed) {
      // `initialTokens`: used like stored tokens (the usual expiry checks follow), and saved for other processes.
      this.#adopt(seed, false)
      // A logout meanwhile discards them (not an error for whoever is waiting for the load: they act on an empty state).
      if (!(await this.#saveUnlessSignedOut(key, seed, generation))) return
      events.emit('login', { provider: flow.name, source: 'import', expiresAt: seed.expiresAt, at: now() })
    }
  }

  /** Follows writes to our key by others (once), so a refresh anywhere reaches this session at once. */
  #follow(key: string): void {
    if (!this.#disposed) this.#sync.subscribe(key, (change) => this.#onStoreChange(key, change.type))
  }

  /** A write to our key by others: a delete is a logout elsewhere; a set may bring newer tokens. */
  #onStoreChange(key: string, type: 'set' | 'delete'): void {
    if (this.#disposed) return
    if (type === 'delete') {
      // A session with credentials logs in again on demand.
      if (!this.state.tokens) return
      this.state.clear()
      this.#cancelSchedule()
      return
    }
    void this.#sync.get(key).then((stored) => {
      if (stored && stored.accessToken !== this.state.tokens?.accessToken) this.#adopt(stored, false)
    })
  }

  #refreshInBackground(): void {
    const key = this.#sync.knownKey
    if (key !== undefined && this.#inFlight(key)) return
    if (!this.#throttle.allows(this.#deps.now(), true)) return
    this.#renewer.obtain('background').catch(() => {
      // Reported as an 'error' event; callers keep the still-valid token, and the timer tries again once the
      // throttle's backoff allows.
      if (this.state.tokens) this.#schedule()
    })
  }

  /** Makes `tokens` current unless the held set is newer (`force`: the user's own import always wins). */
  #adopt(tokens: TokenSet, force: boolean): void {
    const current = this.state.tokens
    // Newest wins: an older set never overwrites a newer one.
    if (!force && current && current !== tokens && issuedAtOf(current) > issuedAtOf(tokens)) return
    this.#deps.redactor.add(tokens.accessToken)
    this.#deps.redactor.add(tokens.refreshToken)
    this.state.set(tokens)
    const key = this.#sync.knownKey
    this.#adoptedInGeneration = key === undefined ? undefined : generationOf(this.#sync.store, key)
    this.#schedule()
  }

  /** Arms the shared timer for the next automatic refresh: the refresh point, or later while refreshes back off. */
  #schedule(): void {
    this.#cancelSchedule()
    const points = this.state.points
    if (!points || this.#disposed || this.#deps.options.backgroundRefresh === false) return
    const { now } = this.#deps
    const at = Math.max(points.refreshAt, this.#throttle.nextAt(true))
    this.#cancelTimer = refreshScheduler.schedule(Date.now() + Math.max(0, at - now()), () => {
      this.#cancelTimer = undefined
      if (this.#disposed) return
      const zone = this.state.zone(now())
      // No token: nothing to refresh. In flight: its result reschedules. Not yet due or backing off: wait more.
      if (zone === 'none' || this.#inFlight(this.#sync.knownKey ?? '')) return
      if (zone !== 'fresh' && this.#throttle.allows(now(), true)) this.#refreshInBackground()
      else this.#schedule()
    })
  }

  #inFlight(key: string): boolean {
    return flightsFor(this.#sync.store).has(key)
  }

  #cancelSchedule(): void {
    this.#cancelTimer?.()
    this.#cancelTimer = undefined
  }
}
