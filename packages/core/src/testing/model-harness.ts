// Test-only, part of the model-based lifecycle test (see lifecycle-model.ts): the harness that runs sessions against the server and checks invariants after every step.
import { AsyncLocalStorage } from 'node:async_hooks'
import { AuthError, createSession, type Session, type TokenSet } from '../index'
import {
  ABORT_LATENCY_MS,
  AUTH_TIMEOUT_MS,
  BACKGROUND_CALLS_PER_MINUTE,
  BASE_CALLS_PER_MINUTE,
  CALLS_PER_OPERATION,
  DRAIN_LIMIT_MS,
  type InvariantName,
  MAX_RATE_LIMIT_WAIT_MS,
  MINUTE,
  RELEASED_BY_MS,
  STORE_KEY,
  WAIT_LIMIT_MS,
} from './model-limits'
import { VirtualClock, describeAnswer } from './model-answers'
import { type AuthCallInfo, ModelServer } from './model-server'
import { RecordingStore, modelFlow } from './model-flow'
import { describeError, isAbortLike, leakedMarker, markerName, masked, sleep, turn } from './model-render'
import { type Action, describeAction } from './model-commands'

// ── the harness ───────────────────────────────────────────────────────────────────────────────────────────────────

export type SessionName = 'A' | 'B'
export type OpKind = 'fetch' | 'login' | 'refresh' | 'logout' | 'setTokens'
/** Operations that may (re)establish a session: after one of them a logout no longer has to stick. */
export const SIGN_IN_KINDS = new Set<OpKind>(['fetch', 'login', 'refresh', 'setTokens'])
/** Operations that may legitimately cause token/refresh calls (the budget's allowance). */
export const CALLER_KINDS = new Set<OpKind>(['fetch', 'login', 'refresh'])

export interface Op {
  id: number
  label: string
  kind: OpKind
  session: SessionName
  startVirtual: number
  settleVirtual?: number
  settled: boolean
  promise: Promise<void>
  controller?: AbortController
  preAborted?: boolean
  abortedAtReal?: number
  errorEventsAtStart: number
  authCallsStarted: number
}

export interface ModelConfig {
  /** The refresh endpoint rotates refresh tokens (the old one dies on use). */
  rotateRefresh: boolean
  /** A second session on the same store and key: none, one that can log in, or a session-only one (no credentials). */
  second: 'none' | 'credentials' | 'session-only'
  /** The store tells sessions about writes (`onChange`); without, they see others' writes only when they read it. */
  storeNotifies: boolean
  backgroundRefresh: boolean
  /** Lifetime of tokens the server issues when nothing else is scripted. */
  defaultLifetimeMs: number
}

export interface ModelStats {
  sequences: number
  commands: number
  authCalls: number
  hungCalls: number
  abortedRequests: number
  logoutsDuringObtain: number
  violations: Partial<Record<InvariantName, number>>
  /**
   * Each distinct violation (its message with numbers masked) with the shortest command prefix that produced it
   * (not shrunk: the prefix up to the command after which it was seen).
   */
  catalogue: Record<string, { invariant: InvariantName; message: string; config: ModelConfig; commands: string[] }>
}

export function emptyStats(): ModelStats {
  return { sequences: 0, commands: 0, authCalls: 0, hungCalls: 0, abortedRequests: 0, logoutsDuringObtain: 0, violations: {}, catalogue: {} }
}

/** Thrown for a broken invariant: fast-check shrinks the sequence that produced it. */
export class InvariantViolation extends Error {
  override name = 'InvariantViolation'
}

/** Runs two sessions on one store against a ModelServer and checks the invariants after every step. */
export class LifecycleHarness {
  readonly clock = new VirtualClock(Date.UTC(2026, 0, 15, 12))
  readonly server: ModelServer
  readonly store: RecordingStore
  readonly sessions: Partial<Record<SessionName, Session>> = {}
  readonly ops: Op[] = []
  readonly violations: Array<{ invariant: InvariantName; message: string }> = []
  readonly trace: string[] = []
  /** The commands performed so far. */
  readonly performed: string[] = []
  #opSeq = 0
  #callSeq = 0
  readonly #als = new AsyncLocalStorage<Op>()
  readonly #calls: Array<{ at: number; background: boolean }> = []
  /** Token/refresh calls as the client saw them, in real time (`end`: when its fetch settled). */
  readonly #wire: Array<{ id: string; path: string; end?: number }> = []
  readonly #errorEvents: Record<SessionName, number> = { A: 0, B: 0 }
  readonly #timers = new Set<ReturnType<typeof setTimeout>>()
  readonly #imported = new Set<string>()
  /** Sessions that were logged out and must stay so (with the op sequence number of the logout call). */
  #sticky: { sessions: Set<SessionName>; since: number } | undefined
  #budgetReported = false

  private constructor(
    readonly config: ModelConfig,
    private readonly enforce: ReadonlySet<InvariantName>,
    private readonly rejections: { take(): unknown[] },
    private readonly stats: ModelStats,
  ) {
    this.server = new ModelServer(this.clock, { rotateRefresh: config.rotateRefresh, defaultLifetimeMs: config.defaultLifetimeMs })
    this.store = new RecordingStore((previous, next) => this.#onEngineWrite(previous, next), config.storeNotifies)
  }

  static async start(
    config: ModelConfig,
    enforce: ReadonlySet<InvariantName>,
    rejections: { take(): unknown[] },
    stats: ModelStats,
  ): Promise<LifecycleHarness> {
    const harness = new LifecycleHarness(config, enforce, rejections, stats)
    await harness.server.start()
    harness.server.onAuthCall = (call) => harness.#onServerAuthCall(call)
    harness.server.onApiCall = (answer) => harness.trace.push(`  ← server ${answer}`)
    harness.sessions.A = harness.#createSession('A', true)
    if (config.second !== 'none') harness.sessions.B = harness.#createSession('B', config.second === 'credentials')
    return harness
  }

  #createSession(name: SessionName, canAcquire: boolean): Session {
    const session = createSession(modelFlow(this.server.origin, { canAcquire }), {
      store: this.store,
      storeKey: STORE_KEY,
      now: this.clock.now,
      timeoutMs: AUTH_TIMEOUT_MS,
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 5 },
      maxRateLimitWaitMs: MAX_RATE_LIMIT_WAIT_MS,
      backgroundRefresh: this.config.backgroundRefresh,
      fetch: this.#wireFetch(),
      logger: {
        debug: (message, data) => this.#observe(`${name} logger.debug`, [message, data]),
        info: (message, data) => this.#observe(`${name} logger.info`, [message, data]),
        warn: (message, data) => this.#observe(`${name} logger.warn`, [message, data]),
        error: (message, data) => this.#observe(`${name} logger.error`, [message, data]),
      },
    })
    for (const event of ['login', 'refresh', 'logout', 'error'] as const) {
      session.on(event, (payload) => {
        if (event === 'error') {
          this.#errorEvents[name]++
          const error = (payload as { error?: unknown }).error
          this.trace.push(`${name} event error during ${(payload as { during?: string }).during}: ${describeError(error)}`)
          if (error instanceof AuthError && error.code === 'UNEXPECTED') {
            this.#violate('specific-error-codes', `${name}'s 'error' event carries code UNEXPECTED: ${describeError(error)}`)
          }
        } else {
          this.trace.push(`${name} event ${event}`)
        }
        this.#observe(`${name} '${event}' event`, payload)
      })
    }
    return session
  }

  /** The `fetch` every session sends with: tags token/refresh calls so the server can tell when the client gave up. */
  #wireFetch(): typeof globalThis.fetch {
    return async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input))
      if (url.pathname !== '/auth/token' && url.pathname !== '/auth/refresh') {
        const op = this.#als.getStore()
        this.trace.push(`  → ${init?.method ?? 'GET'} ${url.pathname}${op ? ` by ${op.label}` : ''}`)
        return globalThis.fetch(input, init)
      }
      const id = `c${++this.#callSeq}`
      const op = this.#als.getStore()
      const pendingCallers = this.ops.filter((o) => !o.settled && CALLER_KINDS.has(o.kind)).length
      this.#countCall(id, url.pathname, op, pendingCallers)
      const headers = new Headers(init?.headers)
      headers.set('x-model-call', id)
      const wire: { id: string; path: string; end?: number } = { id, path: url.pathname }
      this.#wire.push(wire)
      try {
        return await globalThis.fetch(input, { ...init, headers })
      } finally {
        wire.end = performance.now()
        this.server.settleClientCall(id)
      }
    }
  }

  #countCall(id: string, path: string, op: Op | undefined, pendingCallers: number): void {
    this.stats.authCalls++
    const at = this.clock.now()
    const background = pendingCallers === 0
    this.#calls.push({ at, background })
    this.trace.push(`  → ${path} ${id}${op ? ` by ${op.label}` : ''}${background ? ' (background)' : ''}`)
    if (op && !op.settled) {
      op.authCallsStarted++
      if (op.preAborted) this.#violate('abort-honoured', `${op.label} was aborted before it started, yet it started auth call ${id} (${path})`)
    }
    if (this.#budgetReported) return
    const inWindow = this.#calls.filter((c) => c.at > at - MINUTE)
    const backgroundCalls = inWindow.filter((c) => c.background).length
    const alive = this.ops.filter((o) => CALLER_KINDS.has(o.kind) && o.startVirtual <= at && (!o.settled || (o.settleVirtual ?? at) > at - MINUTE)).length
    const allowance = BASE_CALLS_PER_MINUTE + CALLS_PER_OPERATION * alive
    if (backgroundCalls > BACKGROUND_CALLS_PER_MINUTE) {
      this.#budgetReported = true
      this.#violate('auth-call-budget', `${backgroundCalls} background auth calls in one simulated minute (budget ${BACKGROUND_CALLS_PER_MINUTE})`)
    } else if (inWindow.length > allowance) {
      this.#budgetReported = true
      this.#violate('auth-call-budget', `${inWindow.length} auth calls in one simulated minute with ${alive} operations alive (budget ${allowance})`)
    }
  }

  #onServerAuthCall(call: AuthCallInfo): void {
    this.trace.push(`  ← server ${call.endpoint} ${call.id} answers ${call.answer}`)
    if (call.answer === 'hang') this.stats.hungCalls++
    if (call.concurrent.length > 0) {
      this.#violate(
        'single-flight',
        `${call.endpoint} call ${call.id} arrived while ${call.concurrent.join(', ')} was still in flight for the same credential key`,
      )
    }
  }

  #onEngineWrite(previous: TokenSet | undefined, next: TokenSet | undefined): void {
    this.trace.push(next ? `  store ← set by engine (${this.#describeSet(next)})` : '  store ← delete by engine')
    if (next) {
      const problems: string[] = []
      if (typeof next.accessToken !== 'string' || next.accessToken === '') problems.push('empty accessToken')
      if (next.refreshToken !== undefined && (typeof next.refreshToken !== 'string' || next.refreshToken === '')) problems.push('empty refreshToken')
      if (next.expiresAt !== undefined && !Number.isFinite(next.expiresAt)) problems.push(`expiresAt ${next.expiresAt}`)
      for (const [key, value] of Object.entries(next.meta ?? {})) {
        if (typeof value === 'number' && !Number.isFinite(value)) problems.push(`meta.${key} ${value}`)
      }
      if (problems.length > 0) this.#violate('stored-set-valid', `the engine stored a malformed token set: ${problems.join(', ')}`)
    }
    if (!previous || !this.server.isRefreshLive(previous.refreshToken)) return
    if (next === undefined) {
      const loggingOut = this.ops.some((o) => o.kind === 'logout' && !o.settled)
      if (!loggingOut) this.#violate('refresh-token-kept', 'the engine deleted the stored set, whose refresh token still works at the server, outside logout()')
    } else if (!this.server.isRefreshLive(next.refreshToken) && !this.#imported.has(next.accessToken)) {
      this.#violate(
        'refresh-token-kept',
        `the engine replaced a stored refresh token that still works at the server with ${next.refreshToken === undefined ? 'none' : 'a dead one'}`,
      )
    }
  }

  #describeSet(tokens: TokenSet): string {
    const expiry = tokens.expiresAt === undefined ? 'no expiry' : `expires ${tokens.expiresAt - this.clock.now()} ms from now`
    return `${expiry}${tokens.refreshToken ? `, refresh ${this.server.isRefreshLive(tokens.refreshToken) ? 'live' : 'dead'}` : ', no refresh'}`
  }

  /** Scans anything a user could see (errors, events, log lines) for canaries. */
  #observe(where: string, value: unknown): void {
    const leak = leakedMarker(value)
    if (leak) this.#violate('no-secret-leak', `${where} shows a secret (the ${markerName(leak.marker)}): ${masked(leak.text)}`)
  }

  #violate(invariant: InvariantName, message: string): void {
    this.stats.violations[invariant] = (this.stats.violations[invariant] ?? 0) + 1
    const signature = `${invariant}: ${masked(message)
      .replace(/\d+/g, '#')
      .replace(/"http:[^"]*"/g, '<url>')}`
    const known = this.stats.catalogue[signature]
    if (!known || known.commands.length > this.performed.length) {
      this.stats.catalogue[signature] = { invariant, message: masked(message), config: this.config, commands: [...this.performed] }
    }
    if (this.violations.some((v) => v.invariant === invariant && v.message === message)) return
    this.violations.push({ invariant, message })
    this.trace.push(`  ✗ ${invariant}: ${message}`)
  }

  #session(name: SessionName): Session {
    return (this.sessions[name] ?? this.sessions.A)!
  }

  #signIn(): void {
    this.#sticky = undefined
  }

  /** Starts an operation; it settles in the background (`wait` makes the command wait for it). */
  #start(kind: OpKind, sessionName: SessionName, fn: (signal: AbortSignal | undefined) => Promise<unknown>, abort?: 'before' | number): Op {
    const id = ++this.#opSeq
    const controller = abort === undefined ? undefined : new AbortController()
    const op: Op = {
      id,
      label: `${sessionName}.${kind}#${id}`,
      kind,
      session: sessionName,
      startVirtual: this.clock.now(),
      settled: false,
      promise: Promise.resolve(),
      errorEventsAtStart: this.#errorEvents[sessionName],
      authCallsStarted: 0,
    }
    if (controller) op.controller = controller
    if (SIGN_IN_KINDS.has(kind)) this.#signIn()
    if (abort === 'before') {
      op.preAborted = true
      op.abortedAtReal = performance.now()
      controller!.abort()
      this.stats.abortedRequests++
    }
    this.ops.push(op)
    this.trace.push(`${op.label} start${abort === 'before' ? ' (signal already aborted)' : abort !== undefined ? ` (abort after ${abort} ms)` : ''}`)
    op.promise = this.#als.run(op, () =>
      new Promise<unknown>((resolve) => resolve(fn(controller?.signal))).then(
        () => this.#settle(op, undefined),
        (error: unknown) => this.#settle(op, { error }),
      ),
    )
    if (typeof abort === 'number') {
      const timer = setTimeout(() => {
        this.#timers.delete(timer)
        if (op.settled) return
        op.abortedAtReal = performance.now()
        this.stats.abortedRequests++
        this.trace.push(`${op.label} signal aborted`)
        controller!.abort()
      }, abort)
      this.#timers.add(timer)
    }
    return op
  }

  #settle(op: Op, failure: { error: unknown } | undefined): void {
    op.settled = true
    op.settleVirtual = this.clock.now()
    const now = performance.now()
    const latency = op.abortedAtReal === undefined ? undefined : now - op.abortedAtReal
    this.trace.push(
      `${op.label} ${failure ? `rejected: ${describeError(failure.error)}` : 'resolved'}${latency === undefined ? '' : ` ${Math.round(latency)} ms after its abort`}`,
    )
    if (latency !== undefined && latency > ABORT_LATENCY_MS) {
      const abortedAt = op.abortedAtReal!
      const release = this.#wire.find((call) => call.end !== undefined && call.end > abortedAt && now - call.end <= RELEASED_BY_MS)
      if (release) {
        this.#violate(
          'abort-honoured',
          `${op.label} settled ${Math.round(latency)} ms after its signal fired (limit ${ABORT_LATENCY_MS} ms), right after auth call ${release.id} (${release.path}) ended: it waited for that call instead of its signal`,
        )
      } else {
        this.trace.push(`  (${op.label} settled late without waiting on an auth call: an event-loop stall, not counted)`)
      }
    }
    if (failure) {
      const { error } = failure
      this.#observe(`${op.label}'s rejection`, error)
      const aborted = op.controller?.signal.aborted === true
      if (!(error instanceof AuthError) && !(aborted && isAbortLike(error, op.controller?.signal.reason))) {
        this.#violate('typed-rejections', `${op.label} rejected with a non-AuthError: ${describeError(error)}`)
      }
      if (error instanceof AuthError && error.code === 'UNEXPECTED') {
        this.#violate('specific-error-codes', `${op.label} rejected with code UNEXPECTED: ${describeError(error)}`)
      }
      if ((op.kind === 'login' || op.kind === 'refresh') && this.#errorEvents[op.session] === op.errorEventsAtStart) {
        this.#violate('error-event', `${op.label} rejected (${describeError(error)}) without an 'error' event`)
      }
    } else if (op.kind === 'logout') {
      const later = this.ops.some((o) => o.id > op.id && SIGN_IN_KINDS.has(o.kind)) || this.#storeSetAfter > op.id
      if (!later) {
        this.#sticky ??= { sessions: new Set(), since: op.id }
        this.#sticky.sessions.add(op.session)
      }
    }
  }

  #storeSetAfter = 0

  /** Checks the state invariants now; throws when an enforced invariant is broken. */
  async checkpoint(after: string): Promise<void> {
    await turn()
    await turn()
    for (const reason of this.rejections.take()) {
      this.#violate('no-unhandled-rejection', `unhandled rejection: ${describeError(reason)}`)
    }
    if (this.#sticky) {
      for (const name of this.#sticky.sessions) {
        const state = this.#session(name).status().state
        if (state !== 'signed-out') this.#violate('logout-sticks', `${name} is '${state}' after its logout() resolved, with no sign-in since`)
      }
      if (this.store.current !== undefined) {
        this.#violate('logout-sticks', `the store holds a token set (${this.#describeSet(this.store.current)}) after logout() resolved, with no sign-in since`)
      }
    }
    const enforced = this.violations.filter((v) => this.enforce.has(v.invariant))
    if (enforced.length > 0) throw new InvariantViolation(this.report(after, enforced))
  }

  report(after: string, enforced = this.violations): string {
    const other = this.violations.filter((v) => !enforced.includes(v))
    const lines = [
      ...enforced.map((v) => `[${v.invariant}] ${v.message}`),
      ...(other.length ? ['also seen (not enforced):', ...other.map((v) => `  [${v.invariant}] ${v.message}`)] : []),
      `after: ${after}`,
      `config: ${JSON.stringify(this.config)}`,
      'trace (last 60 lines):',
      ...this.trace.slice(-60).map((line) => `  ${masked(line)}`),
    ]
    return lines.join('\n')
  }

  // ── actions ─────────────────────────────────────────────────────────────────────────────────────────────────────

  async perform(action: Action): Promise<void> {
    this.stats.commands++
    this.performed.push(describeAction(action))
    switch (action.type) {
      case 'fetch': {
        const session = this.#session(action.session)
        const op = this.#start(
          'fetch',
          action.session,
          (signal) => session.fetch('/data', { method: action.method, ...(action.method === 'POST' ? { body: { n: 1 } } : {}), ...(signal ? { signal } : {}) }),
          action.abort === 'none' ? undefined : action.abort,
        )
        if (action.wait) await this.#waitFor(op)
        return
      }
      case 'login':
      case 'refresh':
      case 'logout': {
        const session = this.#session(action.session)
        if (action.type === 'logout' && this.ops.some((o) => !o.settled && CALLER_KINDS.has(o.kind))) this.stats.logoutsDuringObtain++
        const op = this.#start(action.type, action.session, () => session[action.type]())
        if (action.wait) await this.#waitFor(op)
        return
      }
      case 'setTokens': {
        const tokens = this.server.mint(action.lifetime, action.withRefresh)
        this.#imported.add(tokens.accessToken)
        const session = this.#session(action.session)
        await this.#waitFor(this.#start('setTokens', action.session, () => session.setTokens(tokens)))
        return
      }
      case 'storeSet': {
        this.#signIn()
        this.#storeSetAfter = this.#opSeq + 1
        const tokens = this.server.mint(action.lifetime, action.withRefresh)
        tokens.meta = { issuedAt: this.clock.now() }
        this.trace.push(`store ← set from outside (${this.#describeSet(tokens)})`)
        await this.store.externalSet(tokens)
        return
      }
      case 'storeDelete':
        this.trace.push('store ← delete from outside')
        await this.store.externalDelete()
        return
      case 'script':
        this.trace.push(`server ${action.endpoint} ${action.sticky ? 'from now on' : 'next'}: ${action.answers.map(describeAnswer).join(', ')}`)
        this.server.script(action.endpoint, action.answers, action.sticky)
        return
      case 'clock':
        this.clock.advance(action.ms)
        this.trace.push(`clock +${action.ms} ms`)
        return
      case 'idle':
        await sleep(action.ms)
        return
      case 'settle':
        await this.#waitForAll(WAIT_LIMIT_MS)
        return
      case 'dispose':
        this.trace.push(`${action.session}.dispose()`)
        this.#session(action.session).dispose()
        return
      case 'serverRevoke':
        this.trace.push(`server forgets all access tokens${action.refresh ? ' and refresh tokens' : ''}`)
        this.server.revokeAll(action.refresh)
        return
    }
  }

  async #waitFor(op: Op): Promise<void> {
    await Promise.race([op.promise, sleep(WAIT_LIMIT_MS)])
  }

  async #waitForAll(limitMs: number): Promise<boolean> {
    const pending = this.ops.filter((o) => !o.settled).map((o) => o.promise)
    if (pending.length === 0) return true
    let done = false
    await Promise.race([Promise.all(pending).then(() => (done = true)), sleep(limitMs)])
    return done
  }

  /** End of a sequence: every operation must settle; then the state invariants are checked once more. */
  async drain(): Promise<void> {
    const done = await this.#waitForAll(DRAIN_LIMIT_MS)
    if (!done) {
      for (const op of this.ops.filter((o) => !o.settled)) this.#violate('settles', `${op.label} had not settled ${DRAIN_LIMIT_MS} ms after the last command`)
    }
    // Quiet time (no operation pending, the virtual clock stopped): background auth activity here is what a hot
    // refresh loop looks like, so when there is some, watch a little longer for the budget to see it.
    const background = this.#calls.filter((c) => c.background).length
    await sleep(30)
    if (this.#calls.filter((c) => c.background).length > background) await sleep(250)
    for (const name of ['A', 'B'] as const) {
      const session = this.sessions[name]
      if (session) this.#observe(`${name} (inspect/JSON of the session)`, session)
    }
    await this.checkpoint('the end of the sequence (all operations settled)')
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer)
    for (const session of Object.values(this.sessions)) session?.dispose()
    await this.server.close()
  }
}
