import fc from 'fast-check'
import { type ApiAnswer, type Endpoint, type Failure, type Lifetime, type TokenAnswer, describeAnswer } from './model-answers'
import type { LifecycleHarness, ModelConfig, SessionName } from './model-harness'

// ── commands ──────────────────────────────────────────────────────────────────────────────────────────────────────

export type Action =
  | { type: 'fetch'; session: SessionName; method: 'GET' | 'POST'; abort: 'none' | 'before' | number; wait: boolean }
  | { type: 'login' | 'refresh' | 'logout'; session: SessionName; wait: boolean }
  | { type: 'setTokens'; session: SessionName; lifetime: Lifetime; withRefresh: boolean }
  | { type: 'storeSet'; lifetime: Lifetime; withRefresh: boolean }
  | { type: 'storeDelete' }
  | { type: 'script'; endpoint: Endpoint; answers: Array<TokenAnswer | ApiAnswer>; sticky: boolean }
  | { type: 'clock'; ms: number }
  | { type: 'idle'; ms: number }
  | { type: 'settle' }
  | { type: 'dispose'; session: SessionName }
  | { type: 'serverRevoke'; refresh: boolean }

export interface ModelState {
  hasB: boolean
}

export function describeAction(action: Action): string {
  switch (action.type) {
    case 'fetch':
      return `${action.session}.fetch(${action.method}${action.abort === 'none' ? '' : action.abort === 'before' ? ', pre-aborted' : `, abort@${action.abort}ms`})${action.wait ? ' wait' : ''}`
    case 'login':
    case 'refresh':
    case 'logout':
      return `${action.session}.${action.type}()${action.wait ? ' wait' : ''}`
    case 'setTokens':
      return `${action.session}.setTokens(${action.lifetime}${action.withRefresh ? ', +refresh' : ''})`
    case 'storeSet':
      return `store.set(${action.lifetime}${action.withRefresh ? ', +refresh' : ''})`
    case 'storeDelete':
      return 'store.delete()'
    case 'script':
      return `server.${action.endpoint}${action.sticky ? ' always' : ''}[${action.answers.map(describeAnswer).join(', ')}]`
    case 'clock':
      return `clock+${action.ms}`
    case 'idle':
      return `idle(${action.ms}ms)`
    case 'settle':
      return 'settle'
    case 'dispose':
      return `${action.session}.dispose()`
    case 'serverRevoke':
      return `server.revokeAll(${action.refresh ? 'access+refresh' : 'access'})`
  }
}

export class Step implements fc.AsyncCommand<ModelState, LifecycleHarness> {
  constructor(readonly action: Action) {}
  check(model: Readonly<ModelState>): boolean {
    return !('session' in this.action) || this.action.session === 'A' || model.hasB
  }
  async run(_model: ModelState, harness: LifecycleHarness): Promise<void> {
    await harness.perform(this.action)
    await harness.checkpoint(describeAction(this.action))
  }
  toString(): string {
    return describeAction(this.action)
  }
}

export const lifetimeArb: fc.Arbitrary<Lifetime> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(60_000, 120_000, 600_000, 3_600_000) },
  { weight: 2, arbitrary: fc.integer({ min: 1_000, max: 5_000 }) },
  { weight: 2, arbitrary: fc.constantFrom(-60_000, 0) },
  { weight: 1, arbitrary: fc.constantFrom<Lifetime>('none', 'absurd') },
)

export const failureArb: fc.Arbitrary<Failure> = fc.oneof(
  fc.constant({ kind: 'reject' } as const),
  fc.constantFrom('0', '1', '120').map((retryAfter) => ({ kind: 'rate-limit', retryAfter }) as const),
  fc.constantFrom(500, 502, 503).map((status) => ({ kind: 'server-error', status }) as const),
  fc.constant({ kind: 'hang' } as const),
  fc.constantFrom('html', 'wrong-types', 'empty', 'truncated-json', 'not-json').map((body) => ({ kind: 'garbage', body }) as const),
  fc.constant({ kind: 'cut' } as const),
)

export const tokenAnswerArb: fc.Arbitrary<TokenAnswer> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('ok' as const),
      lifetime: lifetimeArb,
      jwt: fc.boolean(),
      omitRefresh: fc.boolean(),
      dateSkewMs: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(365 * 86_400_000, -365 * 86_400_000) }),
    }),
  },
  { weight: 3, arbitrary: failureArb },
)

/** Issue 12's hostile provider: from now on every token it hands out is already expired (or its Date header says so). */
export const hostileAnswerArb: fc.Arbitrary<TokenAnswer> = fc.oneof(
  fc.record({
    kind: fc.constant('ok' as const),
    lifetime: fc.constantFrom(-60_000, 0),
    jwt: fc.boolean(),
    omitRefresh: fc.boolean(),
    dateSkewMs: fc.constant(0),
  }),
  fc.record({
    kind: fc.constant('ok' as const),
    lifetime: fc.constant(120_000),
    jwt: fc.constant(true),
    omitRefresh: fc.boolean(),
    dateSkewMs: fc.constant(365 * 86_400_000),
  }),
)

export const apiAnswerArb: fc.Arbitrary<ApiAnswer> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'check' } as const) },
  { weight: 2, arbitrary: failureArb },
)

export const sessionArb = fc.constantFrom<SessionName>('A', 'A', 'B')

/** Weighted generators of every model action. */
export function actionArbs(): Array<fc.Arbitrary<Step>> {
  const step = (arb: fc.Arbitrary<Action>) => arb.map((action) => new Step(action))
  const fetchArb = fc.record({
    type: fc.constant('fetch' as const),
    session: sessionArb,
    method: fc.constantFrom<'GET' | 'POST'>('GET', 'GET', 'POST'),
    abort: fc.oneof(
      { weight: 5, arbitrary: fc.constant<'none'>('none') },
      { weight: 1, arbitrary: fc.constant<'before'>('before') },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 40 }) },
    ),
    wait: fc.boolean(),
  })
  const callArb = (type: 'login' | 'refresh' | 'logout') => fc.record({ type: fc.constant(type), session: sessionArb, wait: fc.boolean() })
  return [
    step(fetchArb),
    step(fetchArb),
    step(fetchArb),
    step(callArb('login')),
    step(callArb('refresh')),
    step(callArb('logout')),
    step(callArb('logout')),
    step(fc.record({ type: fc.constant('setTokens' as const), session: sessionArb, lifetime: lifetimeArb, withRefresh: fc.boolean() })),
    step(fc.record({ type: fc.constant('storeSet' as const), lifetime: lifetimeArb, withRefresh: fc.boolean() })),
    step(fc.constant({ type: 'storeDelete' as const })),
    step(
      fc.record({
        type: fc.constant('script' as const),
        endpoint: fc.constantFrom<Endpoint>('token', 'refresh'),
        answers: fc.array(tokenAnswerArb, { minLength: 1, maxLength: 4 }),
        sticky: fc.constantFrom(false, false, false, true),
      }),
    ),
    step(
      fc.record({
        type: fc.constant('script' as const),
        endpoint: fc.constant<Endpoint>('token'),
        answers: fc.array(tokenAnswerArb, { minLength: 1, maxLength: 4 }),
        sticky: fc.boolean(),
      }),
    ),
    step(
      fc.record({
        type: fc.constant('script' as const),
        endpoint: fc.constantFrom<Endpoint>('token', 'refresh'),
        answers: hostileAnswerArb.map((answer) => [answer]),
        sticky: fc.constant(true),
      }),
    ),
    step(
      fc.record({
        type: fc.constant('script' as const),
        endpoint: fc.constant<Endpoint>('api'),
        answers: fc.array(apiAnswerArb, { minLength: 1, maxLength: 3 }),
        sticky: fc.constant(false),
      }),
    ),
    step(fc.record({ type: fc.constant('clock' as const), ms: fc.constantFrom(1_000, 15_000, 31_000, 59_000, 61_000, 600_000, 7_200_000) })),
    step(fc.record({ type: fc.constant('clock' as const), ms: fc.integer({ min: 100, max: 90_000 }) })),
    step(fc.record({ type: fc.constant('idle' as const), ms: fc.integer({ min: 5, max: 60 }) })),
    step(fc.constant({ type: 'settle' as const })),
    step(fc.record({ type: fc.constant('dispose' as const), session: sessionArb })),
    step(fc.record({ type: fc.constant('serverRevoke' as const), refresh: fc.boolean() })),
  ]
}

export const configArb: fc.Arbitrary<ModelConfig> = fc.record({
  rotateRefresh: fc.boolean(),
  second: fc.constantFrom<ModelConfig['second']>('none', 'credentials', 'session-only'),
  storeNotifies: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  backgroundRefresh: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  defaultLifetimeMs: fc.constantFrom(600_000, 3_600_000),
})
