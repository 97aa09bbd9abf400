import { pbkdf2Sync } from 'node:crypto'
import { inspect } from 'node:util'
import { ConfigError } from '@authmux/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { axiomAuthFor, startAxiom } from './axiom.fixtures'
import { AXIOM_PASSWORD_SALT_HEX, axiomPasswordHash } from './axiom-password'

// Independent reference: node:crypto's PBKDF2 with the parameters from providers.md, not our constants.
function reference(password: string): string {
  const salt = Buffer.from('d903a17b35c8ce248f02dcfcf06dcc17d9ae4f9e124c95754928cf4d22c2c4a3', 'hex')
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, 600_000, 32, 'sha256').toString('base64')
}

describe('axiomPasswordHash (b64Password)', () => {
  it('equals PBKDF2-HMAC-SHA256, 600,000 iterations, 32 bytes, fixed salt, base64 — computed independently', async () => {
    const password = 'correct horse battery staple'
    const ours = await axiomPasswordHash(password)
    expect(ours).toBe(reference(password))
    expect(ours).toHaveLength(44)
    expect(AXIOM_PASSWORD_SALT_HEX).toBe('d903a17b35c8ce248f02dcfcf06dcc17d9ae4f9e124c95754928cf4d22c2c4a3')
  })

  it('encodes the password as UTF-8 (non-ASCII passwords)', async () => {
    const password = 'pässwörd-密码-🔑'
    expect(await axiomPasswordHash(password)).toBe(reference(password))
  })

  it('is not the legacy base64(sha256(password)) hash that Axiom stopped accepting', async () => {
    const { createHash } = await import('node:crypto')
    const legacy = createHash('sha256').update('hunter2').digest('base64')
    expect(await axiomPasswordHash('hunter2')).not.toBe(legacy)
  })
})

describe('a runtime that caps PBKDF2 (Cloudflare hosted Workers: 100,000 iterations)', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })
  const refuse = () =>
    vi
      .spyOn(globalThis.crypto.subtle, 'deriveBits')
      .mockRejectedValue(new DOMException('Pbkdf2 failed: iteration counts above 100000 are not supported (requested 600000).', 'NotSupportedError'))

  it('is a ConfigError on the password that quotes the runtime and says how to get tokens in, never the password', async () => {
    refuse()
    const error = await axiomPasswordHash('CANARY-pbkdf2-password').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({ code: 'CONFIG', field: 'password', provider: 'axiom' })
    const text = `${(error as Error).message}\n${(error as Error).stack}\n${inspect(error, { depth: 5 })}\n${JSON.stringify(error)}`
    expect((error as Error).message).toContain('iteration counts above 100000 are not supported')
    expect((error as Error).message).toContain('authmux login axiom')
    expect((error as Error).message).toContain('setTokens()')
    expect(text).not.toContain('CANARY-pbkdf2-password')
  })

  it('a login there fails with that ConfigError and sends nothing to Axiom', async () => {
    const emulator = await startAxiom()
    try {
      refuse()
      const auth = axiomAuthFor(emulator)
      const error = await auth.login().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).field).toBe('password')
      expect(emulator.requests.list()).toHaveLength(0)
      auth.dispose()
    } finally {
      await emulator.close()
    }
  })
})
