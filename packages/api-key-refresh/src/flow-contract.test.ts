// The flow contract, checked by `tsc` (`pnpm --filter @authmux/api-key-refresh typecheck`) and at run time: deleting
// identity, secrets, acquire or apply from either flow of this package — the generic style and the Apala preset —
// is a compile error (each `@ts-expect-error` below fails typecheck if its line compiles), and every strategy's flow
// holds only its fields on a prototype shared with every other strategy of the same API.
import { defineFlow } from '@authmux/core/provider'
import { describe, expect, it } from 'vitest'
import { APALA, apalaFlow } from './apala/auth'
import { apiKeyRefreshSpec, defineApiKeyRefreshFlow, type ApiKeyRefreshApi, type ApiKeyRefreshFields } from './flow'
import { flowOf } from './auth'
import { createApalaAuth, createApiKeyRefreshAuth } from './index'

const GENERIC: ApiKeyRefreshApi = {
  name: 'api-key-refresh',
  tokenPath: '/auth/token',
  refreshPath: '/auth/refresh',
  apiKeyField: 'api_key',
  refreshTokenField: 'refresh_token',
  header: 'Authorization',
  scheme: 'Bearer',
  metaFields: {},
}

const fields = (apiKey: string): ApiKeyRefreshFields => ({ baseURL: 'http://127.0.0.1:9', identity: undefined, secrets: [apiKey], canAcquire: true, apiKey })

describe.each([
  ['generic (createApiKeyRefreshAuth)', GENERIC, defineApiKeyRefreshFlow(GENERIC)],
  ['Apala preset (createApalaAuth)', APALA, apalaFlow],
] as const)('%s flow', (_name, api, makeFlow) => {
  it('deleting acquire or apply from the spec fails to compile', () => {
    const { acquire: _acquire, ...withoutAcquire } = apiKeyRefreshSpec(api)
    const { apply: _apply, ...withoutApply } = apiKeyRefreshSpec(api)
    // @ts-expect-error acquire is required
    defineFlow<ApiKeyRefreshFields>(withoutAcquire)
    // @ts-expect-error apply is required
    defineFlow<ApiKeyRefreshFields>(withoutApply)
  })

  it('deleting identity or secrets from the fields fails to compile', () => {
    const { identity: _identity, ...withoutIdentity } = fields('k-1')
    const { secrets: _secrets, ...withoutSecrets } = fields('k-1')
    // @ts-expect-error identity is required (write identity: undefined on purpose: the store key is then a fingerprint)
    makeFlow(withoutIdentity)
    // @ts-expect-error secrets is required (it registers the key for redaction)
    makeFlow(withoutSecrets)
    // @ts-expect-error apiKey is required (undefined on purpose in session-only mode)
    makeFlow({ baseURL: 'http://127.0.0.1:9', identity: undefined, secrets: [] })
  })

  it('shares methods and constants on one prototype; a flow holds only its fields, the key among its secrets', () => {
    const a = makeFlow(fields('k-a'))
    const b = makeFlow(fields('k-b'))
    expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b))
    expect(Object.keys(a)).toEqual([])
    expect(Object.keys(a.fields).sort()).toEqual(['apiKey', 'baseURL', 'canAcquire', 'identity', 'secrets'])
    expect(a.name).toBe(api.name)
    expect(a.secrets).toEqual(['k-a'])
    expect(a.credentialHeaders).toEqual([api.header])
    expect(a.isAuthEndpoint?.(new URL(`http://127.0.0.1:9${api.tokenPath}`))).toBe(true)
    expect(a.isAuthEndpoint?.(new URL(`http://127.0.0.1:9/x${api.tokenPath}`))).toBe(false)
  })
})

describe('strategies', () => {
  it('generic strategies of one configuration share one flow definition; another configuration gets its own', () => {
    expect(flowOf({ ...GENERIC })).toBe(flowOf({ ...GENERIC }))
    expect(flowOf({ ...GENERIC, header: 'X-Access-Token' })).not.toBe(flowOf(GENERIC))
  })

  it('carry no old-SDK aliases of engine members; Apala adds company, non-enumerable', () => {
    const generic = createApiKeyRefreshAuth({ apiKey: 'k-1', baseURL: 'http://127.0.0.1:9', backgroundRefresh: false })
    const apala = createApalaAuth({ apiKey: 'k-1', baseURL: 'http://127.0.0.1:9', backgroundRefresh: false, env: false })
    for (const alias of ['refreshAccessToken', 'tokenExpiresAt', 'ensureValidAuthentication', 'getSessionToken']) {
      expect(alias in generic).toBe(false)
      expect(alias in apala).toBe(false)
    }
    expect(apala.company).toBeUndefined()
    expect(Object.keys(apala)).not.toContain('company')
    generic.dispose()
    apala.dispose()
  })
})
