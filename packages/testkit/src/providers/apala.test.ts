import { decodeJwt, decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startApalaEmulator, type ApalaEmulator } from './apala.js'

let apala: ApalaEmulator
const post = (path: string, body: unknown, token?: string) =>
  fetch(`${apala.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })

async function exchange(apiKey = apala.credentials.apiKey) {
  const res = await post('/api/auth/token', { api_key: apiKey })
  expect(res.status).toBe(200)
  return (await res.json()) as { access_token: string; refresh_token: string; expires_in: number }
}

beforeAll(async () => {
  apala = await startApalaEmulator()
})
afterAll(() => apala.close())

describe('apala contract', () => {
  test('url is the origin root; /api/auth/token → all six fields, expires_in integer > 60', async () => {
    expect(apala.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(apala.credentials.apiKey).toMatch(/^[A-Za-z0-9+/]{43}=$/)
    const res = await post('/api/auth/token', { api_key: apala.credentials.apiKey })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(Object.keys(body).sort()).toEqual(['access_token', 'company_id', 'company_name', 'expires_in', 'refresh_token', 'token_type'])
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, company_id: apala.credentials.companyId, company_name: apala.credentials.companyName })
    expect(Number.isInteger(body.expires_in)).toBe(true)
    expect(decodeProtectedHeader(body.access_token as string).alg).toBe('HS256')
    const claims = decodeJwt(body.access_token as string)
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600)
  })

  test('bad key 401, key without permission 403, missing field 400', async () => {
    const bad = await post('/api/auth/token', { api_key: 'bm9wZQ==' })
    expect(bad.status).toBe(401)
    expect(await bad.json()).toEqual({ error: 'Invalid API key' })
    const forbidden = await post('/api/auth/token', { api_key: apala.credentials.noPermissionApiKey })
    expect(forbidden.status).toBe(403)
    expect(await forbidden.json()).toEqual({ error: expect.stringMatching(/permission/) })
    expect((await post('/api/auth/token', {})).status).toBe(400)
  })

  test('refresh {refresh_token} → {access_token, expires_in}; the refresh token is not rotated', async () => {
    const first = await exchange()
    apala.clock.advance(5000)
    const res = await post('/api/auth/refresh', { refresh_token: first.refresh_token })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in'])
    expect(body.access_token).not.toBe(first.access_token)
    const again = await post('/api/auth/refresh', { refresh_token: first.refresh_token })
    expect(again.status).toBe(200)
    const asRefresh = await post('/api/auth/refresh', { refresh_token: first.access_token })
    expect(asRefresh.status).toBe(401)
    expect((await post('/api/auth/refresh', { refresh_token: 'garbage' })).status).toBe(401)
  })

  test('protected endpoints answer the bodies the SDK parses', async () => {
    const { access_token: token } = await exchange()
    const opt = await post('/api/message_optimizer', { message: { content: 'Your payment is due.', channel: 'EMAIL' } }, token)
    expect(opt.status).toBe(200)
    const optimized = (await opt.json()) as Record<string, unknown>
    expect(optimized).toMatchObject({
      message_id: expect.any(String),
      optimized_message: expect.any(String),
      recommended_channel: 'EMAIL',
      original_message: 'Your payment is due.',
      authenticatedWith: 'bearer',
    })
    const sdkShaped = await post(
      '/api/message_optimizer',
      {
        company: apala.credentials.companyId,
        customer_id: '550e8400-e29b-41d4-a716-446655440000',
        messages: [{ content: 'Can I pay next week?', channel: 'SMS', message_id: 'c1', send_timestamp: '2024-01-15T10:30:00Z' }],
        candidate_message: 'Sure, we can move your due date.',
      },
      token,
    )
    expect(await sdkShaped.json()).toMatchObject({ original_message: 'Sure, we can move your due date.', recommended_channel: 'SMS' })
    const fb = await post('/api/feedback', { message_id: optimized.message_id, customer_responded: true, score: 'good' }, token)
    expect(fb.status).toBe(200)
    expect(await fb.json()).toMatchObject({
      id: expect.any(String),
      message_id: optimized.message_id,
      customer_responded: true,
      score: 'good',
      inserted_at: expect.stringMatching(/^\d{4}-/),
    })
    const bulk = await post(
      '/api/feedback/bulk',
      {
        feedback: [
          { message_id: optimized.message_id, customer_responded: false, score: 'bad' },
          { message_id: 'm2', score: 'neutral' },
        ],
      },
      token,
    )
    expect(bulk.status).toBe(200)
    const bulkBody = (await bulk.json()) as { success: boolean; count: number; feedback: { score: string }[] }
    expect(bulkBody).toMatchObject({ success: true, count: 2 })
    expect(bulkBody.feedback.map((f) => f.score)).toEqual(['bad', 'neutral'])
    expect(Object.keys(bulkBody.feedback[0] ?? {}).sort()).toEqual(['customer_responded', 'id', 'inserted_at', 'message_id', 'score'])
  })

  test('garbage / missing / expired / revoked bearer → 401', async () => {
    expect((await post('/api/message_optimizer', { message: 'x' }, 'garbage')).status).toBe(401)
    expect((await post('/api/feedback', { message_id: 'x' })).status).toBe(401)
    const { access_token: token, refresh_token: refresh } = await exchange()
    expect((await post('/api/message_optimizer', { message: 'x' }, refresh)).status).toBe(401)
    apala.clock.advance(3601_000)
    expect((await post('/api/message_optimizer', { message: 'x' }, token)).status).toBe(401)
    const again = await exchange()
    apala.revokeToken(again.access_token)
    expect((await post('/api/feedback/bulk', { feedback: [] }, again.access_token)).status).toBe(401)
    apala.revokeKey(apala.credentials.apiKey)
    expect((await post('/api/auth/refresh', { refresh_token: again.refresh_token })).status).toBe(401)
    expect((await post('/api/auth/token', { api_key: apala.credentials.apiKey })).status).toBe(401)
  })

  test('lifetimes are configurable', async () => {
    const key = apala.addKey({ companyName: 'Other Co' })
    apala.setAccessSeconds(90)
    const body = await exchange(key.apiKey)
    expect(body.expires_in).toBe(90)
    apala.setRefreshSeconds(10)
    const short = await exchange(key.apiKey)
    apala.clock.advance(11_000)
    expect((await post('/api/auth/refresh', { refresh_token: short.refresh_token })).status).toBe(401)
    expect((await post('/api/auth/refresh', { refresh_token: body.refresh_token })).status).toBe(200)
  })
})
