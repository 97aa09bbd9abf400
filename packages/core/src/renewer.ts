import { RateLimitError, TokenExpiredError, isRejection } from './errors'
import type { RefreshThrottle } from './refresh-throttle'
import type { SessionContext } from './session-context'
import { afterFailedRenew } from './renew-outcome'
import { signedOutError } from './signed-out'
import { FleetQuotaWait } from './shared-login-limit'
import { flightsFor, generationOf } from './store-registry'
import type { StoreSync } from './store-sync'
import type { TokenSource } from './token-check'
import { type TokenState, newest } from './token-state'
import { sleep } from './transport'
import type { TokenSet } from './types'

/**
 * Why new tokens are wanted: an explicit `login()` / `refresh()`, a request that has no usable token, the background
 * timer (or a request inside the refresh window), or a 401 on a request sent with the current token.
 */
export type ObtainReason = 'login' | 'refresh' | 'request' | 'background' | 'recover'

/** What the renewer needs from its session. */
export interface RenewerHost {
  context: SessionContext
  state: TokenState
  store: StoreSync
  throttle: RefreshThrottle
  /** Checks a token set from a flow or the user and completes it (refresh token carried over, expiry, issuedAt). */
  complete(tokens: TokenSet, previous: TokenSet | undefined, source: TokenSource): TokenSet
  /** Makes tokens current unless the held set is newer, and schedules the next refresh. */
  adopt(tokens: TokenSet): void
}

/**
 * Obtains new tokens — renew, else log in — once per credential key at a time: every caller, the timer and the 401
 * path share one in-flight obtain per store and key (and the store's lock across processes). A `logout()` while it
 * runs wins: its result is neither stored nor adopted, and its callers get `TokenExpiredError` (`SIGNED_OUT`).
 */
export class Renewer {
  constructor(private readonly host: RenewerHost) {}

  async obtain(reason: ObtainReason): Promise<TokenSet> {
    const { host } = this
    const key = await host.store.key()
    const startedIn = generationOf(host.store.store, key)
    let queuedWith: { tokens: TokenSet | undefined } | undefined
    for (let attempt = 0; ; attempt++) {
      // After a wait for a login slot the tokens to replace are still the ones we started with: a login that another
      // process made meanwhile (and this session adopted) is then used, not replaced.
      const stale = queuedWith ? queuedWith.tokens : host.state.tokens
      // Queued, and the tokens arrived meanwhile (another process logged in, this session adopted it): done.
      const held = host.state.tokens
      if (queuedWith && held && held !== stale && !this.#pastMust(held)) return held
      try {
        const tokens = await flightsFor(host.store.store).run(key, () => {
          const generation = generationOf(host.store.store, key)
          return host.store.withLock(key, () => this.#obtainLocked(key, stale, reason, generation))
        })
        if (generationOf(host.store.store, key) !== startedIn) throw this.#signedOut()
        host.adopt(tokens)
        return tokens
      } catch (error) {
        // The fleet's login quota is used up: the lock is let go while we wait, then everything starts over.
        if (error instanceof FleetQuotaWait) {
          queuedWith ??= { tokens: stale }
          await sleep(error.waitMs)
          continue
        }
        const signedOut = error instanceof TokenExpiredError && error.code === 'SIGNED_OUT'
        // We joined an obtain that a logout (before we started) had already doomed: run our own.
        if (signedOut && attempt === 0 && generationOf(host.store.store, key) === startedIn) continue
        // Logged out (here, or by another session on this store and key): this session is signed out too.
        if (signedOut) host.state.clear()
        // A failed renewal of a token we hold backs automatic refreshes off (a failed login is the limiter's).
        if (!signedOut && stale && reason !== 'login') host.throttle.record(host.context.now(), false)
        throw host.context.reporter.error(error, reason === 'login' || !stale ? 'login' : 'refresh')
      }
    }
  }

  async #obtainLocked(key: string, stale: TokenSet | undefined, reason: ObtainReason, generation: number): Promise<TokenSet> {
    const { host } = this
    const { flow } = host.context
    const stored = await host.store.get(key)
    // Another session or process already has newer tokens: use them.
    if (stored && reason !== 'login' && stored.accessToken !== stale?.accessToken && !this.#pastMust(stored)) return stored
    const base = newest(stored, stale)
    if (reason !== 'login' && base && flow.renew) {
      try {
        const renewed = host.complete(await flow.renew(base, host.context.ctx()), base, { kind: 'flow', step: 'renew' })
        return await this.#keep(renewed, key, generation, 'refresh', reason === 'background')
      } catch (error) {
        if (error instanceof TokenExpiredError && error.code === 'SIGNED_OUT') throw error
        const outcome = afterFailedRenew({
          rejected: isRejection(error),
          rateLimited: error instanceof RateLimitError,
          tokenStillWorks: base.expiresAt === undefined || host.context.now() < base.expiresAt,
          caller: reason === 'refresh' ? 'explicit' : reason === 'background' ? 'background' : 'request',
          canAcquire: flow.canAcquire !== false,
        })
        if (outcome === 'throw') throw error
        if (outcome === 'serve-old') {
          host.context.reporter.error(error, 'refresh')
          host.throttle.record(host.context.now(), false)
          return base
        }
        if (outcome === 'signed-out') {
          host.state.clear()
          throw new TokenExpiredError(
            `${flow.packageName}: the ${flow.name} session expired and cannot be renewed without credentials. ${flow.loginHint ?? 'Log in again (configure the credentials, or import fresh tokens with setTokens()).'}`,
            { provider: flow.name, cause: error },
          )
        }
        if (!isRejection(error)) host.context.reporter.error(error, 'refresh')
        host.context.reporter.log('info', 'refresh failed; logging in again')
      }
    }
    if (flow.canAcquire === false) {
      throw new TokenExpiredError(
        `${flow.packageName}: no ${flow.name} session and no credentials to log in with. ${flow.loginHint ?? 'Configure the credentials, or import tokens with setTokens().'}`,
        { provider: flow.name },
      )
    }
    const limiter = host.context.limiter()
    const slot = await limiter.fleetSlot(host.store.store, host.context.reporter)
    let acquired: TokenSet
    try {
      limiter.admit()
    } catch (error) {
      await slot?.done(false)
      throw error
    }
    try {
      acquired = host.complete(await flow.acquire(host.context.ctx()), undefined, { kind: 'flow', step: 'acquire' })
      limiter.settle()
    } catch (error) {
      limiter.settle(error)
      throw error
    } finally {
      await slot?.done(true)
    }
    return this.#keep(acquired, key, generation, 'login', false, slot?.queuedMs)
  }

  /** Stores and adopts a new token set — unless a logout came in the meantime — and announces it. */
  async #keep(tokens: TokenSet, key: string, generation: number, kind: 'login' | 'refresh', background: boolean, queuedMs?: number): Promise<TokenSet> {
    const { host } = this
    if (generationOf(host.store.store, key) !== generation) throw this.#signedOut()
    await host.store.save(key, tokens)
    // The save awaited: a logout may have run meanwhile (its delete came first, so remove what we wrote).
    if (generationOf(host.store.store, key) !== generation) {
      await host.store.remove(key)
      throw this.#signedOut()
    }
    host.adopt(tokens)
    const now = host.context.now()
    // A token that arrives already past its must point is used for the request that asked, but backs refreshes off.
    const zone = host.state.zoneOf(tokens, now)
    host.throttle.record(now, zone === 'fresh' || zone === 'window')
    if (zone === 'must' || zone === 'expired') {
      host.context.reporter.log(
        'warn',
        `${host.context.flow.name} handed out a token that is already ${zone === 'expired' ? 'expired' : 'about to expire'}; automatic refreshes back off`,
        {
          expiresAt: tokens.expiresAt,
          uselessInARow: host.throttle.uselessStreak,
        },
      )
    }
    const event = { provider: host.context.flow.name, expiresAt: tokens.expiresAt, at: now }
    if (kind === 'refresh') host.context.events.emit('refresh', { ...event, background })
    else host.context.events.emit('login', queuedMs === undefined ? { ...event, source: 'acquire' } : { ...event, source: 'acquire', queuedMs })
    host.context.reporter.log('debug', kind === 'refresh' ? 'token refreshed' : 'logged in', { expiresAt: tokens.expiresAt })
    return tokens
  }

  #pastMust(tokens: TokenSet): boolean {
    const zone = this.host.state.zoneOf(tokens, this.host.context.now())
    return zone === 'must' || zone === 'expired'
  }

  #signedOut(): TokenExpiredError {
    return signedOutError(this.host.context.flow, 'this login or refresh')
  }
}
