// ── answers the model scripts ─────────────────────────────────────────────────────────────────────────────────────

/** Token lifetime in ms (≤ 0: expired on arrival), `'none'`: no expiry given, `'absurd'`: expires_in 1e306 / exp 1e308. */
export type Lifetime = number | 'none' | 'absurd'

export type Failure =
  /** 401 (on the refresh endpoint the server also forgets the refresh token: it tells the truth). */
  | { kind: 'reject' }
  | { kind: 'rate-limit'; retryAfter: '0' | '1' | '120' }
  | { kind: 'server-error'; status: 500 | 502 | 503 }
  /** Never answers: the client's timeout (AUTH_TIMEOUT_MS) ends it. */
  | { kind: 'hang' }
  | { kind: 'garbage'; body: 'html' | 'wrong-types' | 'empty' | 'truncated-json' | 'not-json' }
  /** Headers and half a body, then the connection is cut. */
  | { kind: 'cut' }

export type TokenAnswer = { kind: 'ok'; lifetime: Lifetime; jwt: boolean; omitRefresh: boolean; dateSkewMs: number } | Failure
export type ApiAnswer = { kind: 'check' } | Failure
export type Endpoint = 'token' | 'refresh' | 'api'

export function describeAnswer(answer: TokenAnswer | ApiAnswer): string {
  switch (answer.kind) {
    case 'ok':
      return `ok(${answer.lifetime}${answer.jwt ? ',jwt' : ''}${answer.omitRefresh ? ',no-refresh' : ''}${answer.dateSkewMs ? `,date${answer.dateSkewMs > 0 ? '+' : ''}${answer.dateSkewMs}` : ''})`
    case 'rate-limit':
      return `429(retry-after ${answer.retryAfter})`
    case 'server-error':
      return String(answer.status)
    case 'garbage':
      return `garbage(${answer.body})`
    case 'reject':
      return '401'
    default:
      return answer.kind
  }
}

// ── virtual clock ─────────────────────────────────────────────────────────────────────────────────────────────────

/** The simulated time both the sessions (`now` option) and the server live in. */
export class VirtualClock {
  #now: number
  constructor(start: number) {
    this.#now = start
  }
  readonly now = (): number => this.#now
  advance(ms: number): void {
    this.#now += ms
  }
}
