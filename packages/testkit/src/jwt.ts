import { SignJWT, jwtVerify, errors, type JWTPayload } from 'jose'
import { randomBytes } from 'node:crypto'

/** A per-emulator HS256 signing key. */
export function createSigningKey(): Uint8Array {
  return new Uint8Array(randomBytes(32))
}

/** Sign `claims` with HS256. `iat`/`exp` must already be in `claims` (seconds), computed from the virtual clock. */
export async function signJwt(key: Uint8Array, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key)
}

/** Outcome of verifying a JWT against the virtual clock. */
export type JwtCheck =
  | { ok: true; payload: JWTPayload }
  | { ok: false; reason: 'expired'; payload: JWTPayload }
  | { ok: false; reason: 'invalid'; detail: string }

/** Verify signature and `exp` against `nowMs` (virtual clock). A token without `exp` never expires. */
export async function verifyJwt(key: Uint8Array, token: string, nowMs: number): Promise<JwtCheck> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], currentDate: new Date(nowMs), clockTolerance: 0 })
    return { ok: true, payload }
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired', payload: error.payload }
    const detail = error instanceof errors.JOSEError ? error.code : 'malformed token'
    return { ok: false, reason: 'invalid', detail }
  }
}

/** Seconds since epoch for a virtual-clock time in ms. */
export function toSeconds(ms: number): number {
  return Math.floor(ms / 1000)
}
