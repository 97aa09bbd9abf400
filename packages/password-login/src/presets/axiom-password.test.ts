import { pbkdf2Sync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
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
