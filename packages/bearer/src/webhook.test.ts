import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { constantTimeEqual } from './constant-time'
import { computeWebhookSignature, verifyWebhookSignature } from './webhook'

const secret = 'whsec_canary_5f1b2c'
const payload = '{"event":"order.filled","id":"o-1","qty":3}'
const reference = createHmac('sha256', secret).update(payload).digest('hex')

describe('verifyWebhookSignature', () => {
  it('computes the same HMAC-SHA256 hex as node:crypto (Web Crypto underneath)', async () => {
    expect(await computeWebhookSignature(payload, secret)).toBe(reference)
    expect(await computeWebhookSignature(new TextEncoder().encode(payload), secret)).toBe(reference)
  })

  it('accepts the right signature, in either case and with a sha256= prefix', async () => {
    expect(await verifyWebhookSignature({ payload, signature: reference, secret })).toBe(true)
    expect(await verifyWebhookSignature({ payload, signature: reference.toUpperCase(), secret })).toBe(true)
    expect(await verifyWebhookSignature({ payload, signature: `sha256=${reference}`, secret })).toBe(true)
    expect(await verifyWebhookSignature({ payload: new TextEncoder().encode(payload).buffer, signature: reference, secret })).toBe(true)
  })

  it('rejects a tampered body, a wrong secret, a flipped digit, a truncated or malformed signature', async () => {
    expect(await verifyWebhookSignature({ payload: payload.replace('3', '4'), signature: reference, secret })).toBe(false)
    expect(await verifyWebhookSignature({ payload, signature: reference, secret: `${secret}x` })).toBe(false)
    const flipped = reference.slice(0, -1) + (reference.endsWith('0') ? '1' : '0')
    expect(await verifyWebhookSignature({ payload, signature: flipped, secret })).toBe(false)
    expect(await verifyWebhookSignature({ payload, signature: reference.slice(0, 32), secret })).toBe(false)
    expect(await verifyWebhookSignature({ payload, signature: `${reference}00`, secret })).toBe(false)
    expect(await verifyWebhookSignature({ payload, signature: 'zz'.repeat(32), secret })).toBe(false)
    expect(await verifyWebhookSignature({ payload, signature: '', secret })).toBe(false)
    expect(await verifyWebhookSignature({ payload, signature: undefined, secret })).toBe(false)
  })

  it('refuses to run without a secret, without echoing anything secret', async () => {
    await expect(verifyWebhookSignature({ payload, signature: reference, secret: '' })).rejects.toThrow(/@authmux\/bearer: .*secret/)
  })
})

describe('constantTimeEqual', () => {
  it('compares every byte (no early exit) and handles length mismatches', () => {
    const a = new Uint8Array([1, 2, 3, 4])
    expect(constantTimeEqual(a, new Uint8Array([1, 2, 3, 4]))).toBe(true)
    expect(constantTimeEqual(a, new Uint8Array([0, 2, 3, 4]))).toBe(false)
    expect(constantTimeEqual(a, new Uint8Array([1, 2, 3, 5]))).toBe(false)
    expect(constantTimeEqual(a, new Uint8Array([1, 2, 3]))).toBe(false)
    expect(constantTimeEqual(a, new Uint8Array([]))).toBe(false)
  })

  it('reads every byte of both inputs whatever the first difference', () => {
    const reads = (mismatchAt: number) => {
      let count = 0
      const expected = new Uint8Array(32).fill(7)
      const given: Record<number, number> & { length: number } = { length: 32 }
      for (let i = 0; i < 32; i++) {
        Object.defineProperty(given, i, {
          get: () => {
            count++
            return i === mismatchAt ? 8 : 7
          },
        })
      }
      const spy = given as unknown as Uint8Array
      constantTimeEqual(expected, spy)
      return count
    }
    expect(reads(0)).toBe(32)
    expect(reads(31)).toBe(32)
  })
})
