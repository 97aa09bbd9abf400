import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createFileTokenStore } from '@authmux/store-file'
import { type HostileHandler, type HostileServer, type JsonAnswerOptions, json, sendJson, startHostileServer, unsignedJwt } from '@authmux/testkit'
import { afterEach, beforeEach } from 'vitest'
import { type AxiomAuth, type AxiomAuthOptions, createAxiomAuth } from './axiom'

// Issue 12 against a misbehaving Axiom, every path served under one base path (/axiom): POST /login-password-v2
// {email, b64Password} → cookie auth-otp-login-token (+ body otpJwtToken); POST /login-otp {code, email,
// b64Password} → Set-Cookie auth-access-token / auth-refresh-token (body accessToken / refreshToken accepted too);
// POST /refresh-access-token with both cookies, empty body → a new auth-access-token. Requests carry both cookies.
// The access token's JWT `exp` is the only expiry. (password-login has no edge-runtime project; this file uses
// @authmux/store-file, which is Node-only.)

export const BASE = '/axiom'
export const STEP1 = `${BASE}/login-password-v2`
export const STEP2 = `${BASE}/login-otp`
export const REFRESH = `${BASE}/refresh-access-token`
export const USER_INFO = `${BASE}/user/info`
export const PASSWORD = 'CANARY-axiom-password'
const ACCESS_LIFETIME_S = 960
export const YEARS_5_MS = 5 * 365 * 86_400_000

export let server: HostileServer
let dir: string
const open: AxiomAuth[] = []

let serial = 0
export const nowSeconds = () => Math.floor(Date.now() / 1000)
/** An Axiom access token (JWT `{ authenticatedUserId, iat, exp }`) whose `exp` is `expSeconds`. */
export const accessJwt = (expSeconds = nowSeconds() + ACCESS_LIFETIME_S) =>
  unsignedJwt({ authenticatedUserId: 'u-1', iat: nowSeconds(), exp: expSeconds, n: serial++ })
/** An Axiom refresh token (JWT without `exp`). */
export const refreshJwt = () => unsignedJwt({ refreshTokenId: `rt-${serial++}`, iat: nowSeconds() })
/** Set-Cookie lines carrying tokens, as Axiom sends them. */
const tokenCookies = (access: string, refresh?: string) => [
  `auth-access-token=${access}; Path=/; HttpOnly; Secure; SameSite=Lax`,
  ...(refresh ? [`auth-refresh-token=${refresh}; Path=/; HttpOnly; Secure; SameSite=Lax`] : []),
]
/** A login-otp or refresh answer: fresh tokens in Set-Cookie on every call (no refresh token: not rotated). */
export const tokens =
  (access: () => string = accessJwt, refresh?: () => string, options: JsonAnswerOptions = {}): HostileHandler =>
  (_req, res) =>
    sendJson(res, { ok: true }, { ...options, headers: { 'Set-Cookie': tokenCookies(access(), refresh?.()) } })

/** A strategy that logs in with email + password + code (the PBKDF2 hash costs a few hundred ms per strategy). */
export function axiom(options: AxiomAuthOptions = {}): AxiomAuth {
  return track(createAxiomAuth({ email: 'bot@hostile.test', password: PASSWORD, otp: async () => '123456', ...common(), ...options }))
}

/** A strategy started from tokens imported from a browser session (no credentials: it can only refresh). */
export function imported(options: AxiomAuthOptions = {}): AxiomAuth {
  return track(createAxiomAuth({ accessToken: accessJwt(), refreshToken: refreshJwt(), ...common(), ...options }))
}

const common = (): AxiomAuthOptions => ({ baseURL: server.url(BASE), env: false, retry: { baseDelayMs: 1, maxDelayMs: 5 } })
function track(auth: AxiomAuth): AxiomAuth {
  open.push(auth)
  return auth
}

const KEY = randomBytes(32).toString('base64')
/** A file store on this test's directory (a new instance per call, as a new process would open it). */
export const fileStore = () => createFileTokenStore({ dir, key: KEY })
export const authCalls = () => server.count(STEP1) + server.count(STEP2) + server.count(REFRESH)

/** The error `fn` throws or its promise rejects with. */
export async function failureOf(fn: () => unknown): Promise<Error> {
  try {
    await fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a failure')
}

/** Every cookie name sent to `path`. */
export const cookieNames = (path: string) => server.requests(path).flatMap((r) => (r.headers.cookie ?? '').split(';').map((part) => part.split('=')[0]!.trim()))

/** Registers the hooks of a hostile-Axiom test file: a fresh server with Axiom's routes and a temp dir per test. */
export function useHostileAxiom(): void {
  beforeEach(async () => {
    server = await startHostileServer()
    dir = mkdtempSync(join(tmpdir(), 'authmux-axiom-hostile-'))
    server.route('POST', STEP1, json({ otpJwtToken: 'otp-jwt' }, { headers: { 'Set-Cookie': 'auth-otp-login-token=otp-jwt; Path=/' } }))
    server.route('POST', STEP2, tokens(accessJwt, refreshJwt))
    server.route('POST', REFRESH, tokens())
    server.route('GET', USER_INFO, json({ id: 'u-1' }))
  })
  afterEach(async () => {
    for (const auth of open.splice(0)) auth.dispose()
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })
}
