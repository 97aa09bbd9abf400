import { describe, expect, it } from 'vitest'
import { decodeStoreKey, importStoreKey, openTokenSet, sealTokenSet } from './envelope'
import { StoreError } from './store-error'
import { AuthError, ConfigError } from './errors'
import type { TokenSet } from './types'

const KEY_BYTES = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 3)
const OTHER_KEY = Uint8Array.from({ length: 32 }, (_, i) => 255 - i)
const CANARY: TokenSet = {
  accessToken: 'canary-access-7f3e9a',
  refreshToken: 'canary-refresh-51c0d2',
  expiresAt: 1_900_000_000_000,
  meta: { issuedAt: 1_800_000_000_000, agentId: 'agent-1', premium: true, note: null },
}

const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
const toB64 = (b: Uint8Array) => btoa(String.fromCharCode(...b))
const toB64Url = (b: Uint8Array) => toB64(b).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

async function expectStoreError(promise: Promise<unknown>, code: string): Promise<StoreError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a StoreError')
    },
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(StoreError)
  expect(error).toBeInstanceOf(AuthError)
  expect((error as StoreError).code).toBe(code)
  const text = `${(error as Error).message} ${JSON.stringify(error)}`
  expect(text).not.toContain('canary')
  return error as StoreError
}

/** Flips one bit of the decoded ciphertext part of an envelope. */
function flipBit(sealed: string, byteIndex: number): string {
  const [v, iv, body] = sealed.split('.') as [string, string, string]
  const bytes = Uint8Array.from(atob(body.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((body.length + 3) % 4)), (c) => c.charCodeAt(0))
  bytes[byteIndex % bytes.length]! ^= 0x01
  return `${v}.${iv}.${toB64Url(bytes)}`
}

describe('sealTokenSet / openTokenSet', () => {
  it('round-trips a token set, bound to its associated data', async () => {
    const sealed = await sealTokenSet(KEY_BYTES, CANARY, 'tradeready:alice')
    expect(sealed).toMatch(/^am1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/)
    expect(sealed).not.toContain('canary')
    expect(await openTokenSet(KEY_BYTES, sealed, 'tradeready:alice')).toEqual(CANARY)
  })

  it('uses a fresh random IV for every seal', async () => {
    const a = await sealTokenSet(KEY_BYTES, CANARY)
    const b = await sealTokenSet(KEY_BYTES, CANARY)
    expect(a.split('.')[1]).not.toBe(b.split('.')[1])
    expect(a).not.toBe(b)
  })

  it('accepts an imported CryptoKey and the same key as hex, base64 and base64url strings', async () => {
    const sealed = await sealTokenSet(await importStoreKey(KEY_BYTES), CANARY)
    for (const key of [toHex(KEY_BYTES), toB64(KEY_BYTES), toB64Url(KEY_BYTES), KEY_BYTES.buffer.slice(0)]) {
      expect(await openTokenSet(key, sealed)).toEqual(CANARY)
    }
  })

  it('refuses data sealed for another credential key (associated data mismatch)', async () => {
    const sealed = await sealTokenSet(KEY_BYTES, CANARY, 'axiom:alice')
    await expectStoreError(openTokenSet(KEY_BYTES, sealed, 'axiom:bob'), 'STORE_DECRYPT')
    await expectStoreError(openTokenSet(KEY_BYTES, sealed), 'STORE_DECRYPT')
  })

  it('refuses a wrong key', async () => {
    const sealed = await sealTokenSet(KEY_BYTES, CANARY)
    await expectStoreError(openTokenSet(OTHER_KEY, sealed), 'STORE_DECRYPT')
  })

  it('detects a single flipped bit anywhere in the ciphertext or tag', async () => {
    const sealed = await sealTokenSet(KEY_BYTES, CANARY)
    for (const index of [0, 5, 40, -1]) {
      const bodyLength = Math.floor((sealed.split('.')[2]!.length * 3) / 4)
      await expectStoreError(openTokenSet(KEY_BYTES, flipBit(sealed, (index + bodyLength) % bodyLength)), 'STORE_DECRYPT')
    }
  })

  it('detects a tampered IV', async () => {
    const sealed = await sealTokenSet(KEY_BYTES, CANARY)
    const [v, iv, body] = sealed.split('.') as [string, string, string]
    const otherIv = iv[0] === 'A' ? `B${iv.slice(1)}` : `A${iv.slice(1)}`
    await expectStoreError(openTokenSet(KEY_BYTES, `${v}.${otherIv}.${body}`), 'STORE_DECRYPT')
  })

  it('reports truncation as corrupt or failed authentication, never a crash', async () => {
    const sealed = await sealTokenSet(KEY_BYTES, CANARY)
    for (let cut = 0; cut < sealed.length; cut += 7) {
      const error = await openTokenSet(KEY_BYTES, sealed.slice(0, cut)).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StoreError)
      expect(['STORE_CORRUPT', 'STORE_DECRYPT']).toContain((error as StoreError).code)
    }
    await expectStoreError(openTokenSet(KEY_BYTES, sealed.slice(0, sealed.lastIndexOf('.') + 4)), 'STORE_CORRUPT')
  })

  it('rejects malformed envelopes with STORE_CORRUPT', async () => {
    const sealed = await sealTokenSet(KEY_BYTES, CANARY)
    const [, iv, body] = sealed.split('.') as [string, string, string]
    for (const bad of [
      '',
      'hello',
      `am2.${iv}.${body}`,
      `am1.${iv}`,
      `am1.${iv}.${body}.x`,
      `am1.${iv}.${body}+/`,
      `am1.AAAA.${body}`,
      '{"accessToken":"x"}',
    ]) {
      await expectStoreError(openTokenSet(KEY_BYTES, bad), 'STORE_CORRUPT')
    }
    await expectStoreError(openTokenSet(KEY_BYTES, 42 as unknown as string), 'STORE_CORRUPT')
  })

  it('rejects authenticated content that is not a token set, naming the field', async () => {
    const key = await crypto.subtle.importKey('raw', KEY_BYTES, 'AES-GCM', false, ['encrypt'])
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const seal = async (text: string) => {
      const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode('am1\0') }, key, new TextEncoder().encode(text))
      return `am1.${toB64Url(iv)}.${toB64Url(new Uint8Array(ct))}`
    }
    const error = await expectStoreError(openTokenSet(KEY_BYTES, await seal('{"accessToken":"canary-x","expiresAt":"soon"}')), 'STORE_CORRUPT')
    expect(error.message).toContain('expiresAt')
    await expectStoreError(openTokenSet(KEY_BYTES, await seal('not json canary')), 'STORE_CORRUPT')
  })

  it('refuses to seal something that is not a token set', async () => {
    await expectStoreError(sealTokenSet(KEY_BYTES, { accessToken: 42 } as unknown as TokenSet), 'STORE_INVALID')
  })
})

describe('decodeStoreKey', () => {
  it('decodes 32 bytes from hex, base64 (with or without padding) and base64url', () => {
    for (const text of [
      toHex(KEY_BYTES),
      toHex(KEY_BYTES).toUpperCase(),
      toB64(KEY_BYTES),
      toB64(KEY_BYTES).replace(/=+$/, ''),
      toB64Url(KEY_BYTES),
      ` ${toB64Url(KEY_BYTES)}\n`,
    ]) {
      expect(decodeStoreKey(text)).toEqual(KEY_BYTES)
    }
  })

  it('does not zero or alias the caller’s bytes', async () => {
    const mine = new Uint8Array(KEY_BYTES)
    await importStoreKey(mine)
    expect(mine).toEqual(KEY_BYTES)
  })

  it('throws ConfigError naming the field and how to generate a key, without echoing the value', () => {
    const secretish = 'canary-not-a-key-0123456789'
    for (const bad of [secretish, '', toHex(KEY_BYTES).slice(2), toB64(new Uint8Array(16)), new Uint8Array(31)]) {
      let error: unknown
      try {
        decodeStoreKey(bad, { field: 'AUTHMUX_STORE_KEY', packageName: '@authmux/store-file' })
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).field).toBe('AUTHMUX_STORE_KEY')
      expect((error as Error).message).toMatch(/^@authmux\/store-file: AUTHMUX_STORE_KEY /)
      expect((error as Error).message).toContain('randomBytes(32)')
      expect((error as Error).message).not.toContain('canary')
    }
  })
})
