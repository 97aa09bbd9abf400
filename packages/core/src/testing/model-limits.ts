// ── limits the invariants are stated with ─────────────────────────────────────────────────────────────────────────

/** Auth-call time limit given to every session (`timeoutMs`): a hung provider costs this much real time. */
export const AUTH_TIMEOUT_MS = 200
/**
 * A request whose signal fires must settle this fast (well under AUTH_TIMEOUT_MS: "at once", not "at the timeout").
 * A later settle counts as a violation only when the request was evidently released by an auth call ending (within
 * RELEASED_BY_MS of it), so a busy machine's event-loop stall is not mistaken for an ignored signal.
 */
export const ABORT_LATENCY_MS = 100
export const RELEASED_BY_MS = 30
/** Longest a 429 is waited out (`maxRateLimitWaitMs`): `Retry-After: 0` is waited out, 1 s and more are not. */
export const MAX_RATE_LIMIT_WAIT_MS = 50
/** Every operation must settle within this (real ms) once the sequence is over. */
export const DRAIN_LIMIT_MS = 3_000
/** How long a command with `wait` waits for its operation before moving on. */
export const WAIT_LIMIT_MS = 2_000
/** The credential key both sessions share. */
export const STORE_KEY = 'model:acct'
export const MINUTE = 60_000

/**
 * The auth-call budget, per simulated minute (a sliding 60 s window on the virtual clock), counting calls to the
 * token and refresh endpoints:
 * - background calls (started while no fetch/login/refresh of the model is pending) ≤ BACKGROUND_CALLS_PER_MINUTE.
 *   A background refresh needs one renew, plus a fallback login when the refresh token is refused, each retried
 *   once on a 5xx (4 calls); two sessions share one flight. 10 leaves room for a second round after a clock jump;
 *   a hot refresh loop makes hundreds.
 * - all calls ≤ BASE_CALLS_PER_MINUTE + CALLS_PER_OPERATION × (fetch/login/refresh operations alive in the window).
 *   One operation may wait for a lazy obtain and, after a 401, one renewal (2 obtains); an obtain is a renew plus a
 *   fallback login (2 calls), each retried once on a 5xx (×2) — 8 — plus 2 re-sends after a `Retry-After: 0`.
 *   Explicit login()/refresh() commands are operations, so they are inside the allowance.
 */
export const BACKGROUND_CALLS_PER_MINUTE = 10
export const BASE_CALLS_PER_MINUTE = 10
export const CALLS_PER_OPERATION = 10

/** The invariants, by the name used in failure messages and in `MODEL_INVARIANTS`. */
export const INVARIANTS = {
  'single-flight': 'at most one login/renewal in flight per credential key at the server at any moment',
  'logout-sticks':
    'after logout() resolves, with no later sign-in (request, login, refresh, setTokens, store write), the session stays signed-out and the store empty, also after in-flight calls finish',
  'refresh-token-kept': 'a refresh token that still works at the server is never dropped from the store (outside logout) by a failed refresh',
  'no-secret-leak': 'no canary secret in any error (message, stack, inspect, JSON, cause), event payload, logger line or inspect/JSON of a session',
  'no-unhandled-rejection': 'no unhandled promise rejection while the model runs',
  'typed-rejections': "every rejection a caller sees is an AuthError, or an abort error of the caller's own signal",
  'specific-error-codes': "no rejection or 'error' event carries the catch-all code UNEXPECTED (an untyped error the engine only wrapped)",
  'auth-call-budget': `auth calls per simulated minute: background ≤ ${BACKGROUND_CALLS_PER_MINUTE}; all ≤ ${BASE_CALLS_PER_MINUTE} + ${CALLS_PER_OPERATION} × operations alive`,
  'abort-honoured': `an aborted request settles within ${ABORT_LATENCY_MS} ms of its signal firing (not when the auth call it waited on ends), and an already-aborted request starts no auth call`,
  'error-event': "a login() or refresh() that rejects fires an 'error' event",
  settles: `every operation settles (within ${DRAIN_LIMIT_MS} ms after the last command)`,
  'stored-set-valid': 'the engine only stores well-formed token sets (non-empty tokens, expiresAt undefined or finite, finite meta numbers)',
} as const

export type InvariantName = keyof typeof INVARIANTS
export const INVARIANT_NAMES = Object.keys(INVARIANTS) as InvariantName[]
