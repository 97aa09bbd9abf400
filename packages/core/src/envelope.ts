import type { z } from 'zod'
import { ConfigError } from './errors'
import { StoreError } from './store-error'
import { tokenSetSchema } from './token-set-schema'
import type { TokenSet } from './types'

/**
 * The encryption envelope shared by the persistent token stores (store-file, store-redis).
 *
 * Format (text, one line): `am1.<base64url IV>.<base64url ciphertext‖tag>` — AES-256-GCM, a fresh random 12-byte IV
 * per seal, a 16-byte tag. The associated data is `"am1" ‖ 0x00 ‖ aad`, so a sealed value is bound to the format
 * version and to whatever the caller passes as `aad` (the stores pass the credential key: a value copied to another
 * key's slot fails to open). Web Crypto only — runs in Node, browsers and edge runtimes.
 */
export const ENVELOPE_VERSION = 'am1'

const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_BYTES = 32

/** A store key: an imported `CryptoKey`, 32 raw bytes, or a string holding 32 bytes as base64, base64url or hex. */
export type StoreKeyInput = CryptoKey | Uint8Array | ArrayBuffer | string

/** Where a key came from, so a `ConfigError` can name it. */
export interface StoreKeyOrigin {
  /** The option or environment variable the key came from, e.g. `key` or `AUTHMUX_STORE_KEY`. Default `key`. */
  field?: string
  /** Prefix of error messages. Default `@authmux/core`. */
  packageName?: string
}

const GENERATE_HINT = "generate one with `node -e \"console.log(require('node:crypto').randomBytes(32).toString('base64url'))\"` or `openssl rand -base64 32`"

/**
 * Decodes a store key given as 32 raw bytes or as a base64 / base64url / 64-hex-digit string. Synchronous, so a
 * factory can validate its options eagerly. Throws `ConfigError` naming `origin.field`; the message never contains
 * the key.
 */
export function decodeStoreKey(input: Uint8Array | ArrayBuffer | string, origin: StoreKeyOrigin = {}): Uint8Array<ArrayBuffer> {
  const field = origin.field ?? 'key'
  const packageName = origin.packageName ?? '@authmux/core'
  const fail = (what: string): never => {
    throw new ConfigError(
      `${packageName}: ${field} ${what} — it must be 32 random bytes (AES-256), given as raw bytes, base64, base64url or 64 hex digits; ${GENERATE_HINT}.`,
      { field },
    )
  }
  let bytes: Uint8Array<ArrayBuffer> | undefined
  if (typeof input === 'string') {
    const text = input.trim()
    if (text === '') fail('is empty')
    if (/^[0-9a-fA-F]{64}$/.test(text)) bytes = hexToBytes(text)
    else bytes = base64ToBytes(text)
    if (bytes === undefined) fail('is not valid base64, base64url or hex')
  } else if (input instanceof ArrayBuffer) {
    bytes = new Uint8Array(input.slice(0))
  } else if (input instanceof Uint8Array) {
    bytes = new Uint8Array(input)
  } else {
    fail('has an unsupported type')
  }
  if (bytes!.byteLength !== KEY_BYTES) fail(`decodes to ${bytes!.byteLength} bytes instead of ${KEY_BYTES}`)
  return bytes!
}

/** Imports a store key for AES-256-GCM (non-extractable). Import once and reuse the `CryptoKey` for speed. */
export async function importStoreKey(input: StoreKeyInput, origin: StoreKeyOrigin = {}): Promise<CryptoKey> {
  if (isCryptoKey(input)) return input
  const raw = decodeStoreKey(input, origin)
  try {
    return await crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt'])
  } finally {
    raw.fill(0)
  }
}

/** The shape every opened token set must have. */

/**
 * Encrypts a token set into an envelope string. `aad` (e.g. the credential key) must be given again to open it.
 * Throws `StoreError` (`STORE_INVALID`) when `tokens` is not a valid `TokenSet`.
 */
export async function sealTokenSet(key: StoreKeyInput, tokens: TokenSet, aad?: string | Uint8Array): Promise<string> {
  const parsed = tokenSetSchema.safeParse(tokens)
  if (!parsed.success) {
    throw new StoreError(`@authmux/core: cannot store an invalid token set (field ${issuePath(parsed.error)}) — this is a bug in the caller.`, {
      code: 'STORE_INVALID',
    })
  }
  const cryptoKey = await importStoreKey(key)
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const plaintext = new TextEncoder().encode(JSON.stringify(parsed.data))
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: associatedData(aad), tagLength: TAG_BYTES * 8 }, cryptoKey, plaintext)
  plaintext.fill(0)
  return `${ENVELOPE_VERSION}.${bytesToBase64Url(iv)}.${bytesToBase64Url(new Uint8Array(sealed))}`
}

/**
 * Decrypts and validates an envelope string. Throws `StoreError`: `STORE_CORRUPT` for anything that is not a
 * well-formed envelope holding a `TokenSet` (including truncation), `STORE_DECRYPT` when authentication fails (wrong
 * key, tampered data, or a different `aad`).
 */
export async function openTokenSet(key: StoreKeyInput, sealed: string, aad?: string | Uint8Array): Promise<TokenSet> {
  const corrupt = (why: string): StoreError =>
    new StoreError(`@authmux/core: stored token data is corrupt (${why}) — it is ignored and a fresh login follows.`, { code: 'STORE_CORRUPT' })
  if (typeof sealed !== 'string') throw corrupt('not text')
  const parts = sealed.trim().split('.')
  if (parts.length !== 3) throw corrupt('not an authmux envelope')
  const [version, ivText, bodyText] = parts as [string, string, string]
  if (version !== ENVELOPE_VERSION) throw corrupt(`unsupported format version`)
  const iv = base64ToBytes(ivText, true)
  const body = base64ToBytes(bodyText, true)
  if (iv === undefined || body === undefined) throw corrupt('bad base64url encoding')
  if (iv.byteLength !== IV_BYTES) throw corrupt('bad IV length')
  if (body.byteLength < TAG_BYTES + 2) throw corrupt('truncated')
  const cryptoKey = await importStoreKey(key)
  let plaintext: Uint8Array
  try {
    plaintext = new Uint8Array(
      await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: associatedData(aad), tagLength: TAG_BYTES * 8 }, cryptoKey, body),
    )
  } catch {
    throw new StoreError(
      '@authmux/core: stored token data failed authentication — wrong store key, tampered or truncated data, or data copied from another credential key. It is ignored and a fresh login follows.',
      { code: 'STORE_DECRYPT' },
    )
  }
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext))
  } catch {
    throw corrupt('decrypted content is not JSON')
  } finally {
    plaintext.fill(0)
  }
  const parsed = tokenSetSchema.safeParse(json)
  if (!parsed.success) throw corrupt(`decrypted content is not a token set: field ${issuePath(parsed.error)}`)
  return parsed.data as TokenSet
}

function associatedData(aad: string | Uint8Array | undefined): Uint8Array<ArrayBuffer> {
  const prefix = new TextEncoder().encode(`${ENVELOPE_VERSION}\0`)
  const extra = aad === undefined ? new Uint8Array(0) : typeof aad === 'string' ? new TextEncoder().encode(aad) : aad
  const out = new Uint8Array(prefix.byteLength + extra.byteLength)
  out.set(prefix, 0)
  out.set(extra, prefix.byteLength)
  return out
}

function issuePath(error: z.ZodError): string {
  const path = error.issues[0]?.path ?? []
  return path.length === 0 ? '(root)' : path.map(String).join('.')
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof CryptoKey !== 'undefined'
    ? value instanceof CryptoKey
    : typeof value === 'object' && value !== null && 'algorithm' in value && 'usages' in value
}

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

/** Decodes base64 or base64url (padding optional). `urlOnly` rejects the `+/=` alphabet. Undefined when invalid. */
function base64ToBytes(text: string, urlOnly = false): Uint8Array<ArrayBuffer> | undefined {
  if (urlOnly ? !/^[A-Za-z0-9_-]*$/.test(text) : !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined
  const normalized = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/')
  if (normalized.length % 4 === 1) return undefined
  let binary: string
  try {
    binary = atob(normalized + '='.repeat((4 - (normalized.length % 4)) % 4))
  } catch {
    return undefined
  }
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}

function bytesToBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
