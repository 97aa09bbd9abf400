import { describe, expect, it } from 'vitest'
import {
  AuthError,
  ConfigError,
  InsecureTransportError,
  InvalidCredentialsError,
  isRejection,
  OtpRequiredError,
  ProviderError,
  RateLimitError,
  ResponseShapeError,
  TokenExpiredError,
} from './errors'
import { describeErrorBody } from './sanitize'

describe('error hierarchy', () => {
  it('every class is an AuthError with its code, and serialises without its cause', () => {
    const cause = new Error('secret-bearing cause')
    const cases: Array<[AuthError, string, string]> = [
      [new InvalidCredentialsError('m', { provider: 'p', status: 401, cause }), 'InvalidCredentialsError', 'INVALID_CREDENTIALS'],
      [new TokenExpiredError('m'), 'TokenExpiredError', 'TOKEN_EXPIRED'],
      [new RateLimitError('m', { retryAfterMs: 5 }), 'RateLimitError', 'RATE_LIMITED'],
      [new ProviderError('m', { providerCode: 7 }), 'ProviderError', 'PROVIDER_ERROR'],
      [new ResponseShapeError('m', { field: 'token' }), 'ResponseShapeError', 'RESPONSE_SHAPE'],
      [new OtpRequiredError('m'), 'OtpRequiredError', 'OTP_REQUIRED'],
      [new InsecureTransportError('m'), 'InsecureTransportError', 'INSECURE_TRANSPORT'],
      [new ConfigError('m', { field: 'apiKey' }), 'ConfigError', 'CONFIG'],
    ]
    for (const [error, name, code] of cases) {
      expect(error).toBeInstanceOf(AuthError)
      expect(error.name).toBe(name)
      expect(error.code).toBe(code)
      const json = JSON.parse(JSON.stringify(error))
      expect(json).toMatchObject({ name, code, message: 'm' })
      expect(JSON.stringify(error)).not.toContain('secret-bearing')
    }
    expect(JSON.parse(JSON.stringify(cases[0]![0]))).toMatchObject({ provider: 'p', status: 401 })
    expect(JSON.parse(JSON.stringify(cases[2]![0])).retryAfterMs).toBe(5)
    expect(JSON.parse(JSON.stringify(cases[3]![0])).providerCode).toBe(7)
    expect(JSON.parse(JSON.stringify(cases[4]![0])).field).toBe('token')
    expect(JSON.parse(JSON.stringify(cases[7]![0])).field).toBe('apiKey')
    expect(Object.keys(cases[0]![0])).not.toContain('cause')
    expect((cases[0]![0] as { cause?: unknown }).cause).toBe(cause)
  })

  it('isRejection is true only for rejected credentials and dead tokens', () => {
    expect(isRejection(new InvalidCredentialsError('m'))).toBe(true)
    expect(isRejection(new TokenExpiredError('m'))).toBe(true)
    expect(isRejection(new ProviderError('m'))).toBe(false)
    expect(isRejection(new Error('m'))).toBe(false)
    expect(isRejection(undefined)).toBe(false)
  })

  it('describeErrorBody finds the provider message in the usual shapes', () => {
    expect(describeErrorBody({ error: 'Invalid email or password' })).toBe('Invalid email or password')
    expect(describeErrorBody({ error: { code: 'INVALID_API_KEY', message: 'bad key' } })).toBe('bad key')
    expect(describeErrorBody({ success: false, errorMessage: 'agreements' })).toBe('agreements')
    expect(describeErrorBody('plain text')).toBe('plain text')
    expect(describeErrorBody('<html>error page</html>')).toBeUndefined()
    expect(describeErrorBody(42)).toBeUndefined()
    expect(describeErrorBody({ nothing: true })).toBeUndefined()
  })
})
