import { defineFlow } from '@authmux/core/provider'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createKeySecretJwtFlow, type KeySecretJwtFields, keySecretJwtSpec } from './flow'
import { createProjectXAuth, createTradeReadyAuth } from './index'
import { type ProjectXFields, projectXFlow, projectXSpec } from './presets/projectx/flow'
import { type TradeReadyFields, tradeReadyFields, tradeReadyFlow, tradeReadySpec } from './presets/tradeready/flow'

// Type tests (checked by `pnpm typecheck`): every flow of this package is written with core's `defineFlow`, so a
// flow without acquire or apply, or a strategy's fields without identity or secrets, does not compile. Each
// `@ts-expect-error` below fails the typecheck if the line it marks ever compiles.

const base = 'https://api.example.com/v1'

describe('the generic flow (createKeySecretJwtAuth)', () => {
  it('needs acquire and apply in its spec, identity and secrets in its fields', () => {
    const spec = keySecretJwtSpec({ name: 'demo', packageName: '@authmux/key-secret-jwt' }, true, true, undefined)
    const { acquire: _acquire, ...withoutAcquire } = spec
    const { apply: _apply, ...withoutApply } = spec
    // @ts-expect-error acquire is required
    defineFlow<KeySecretJwtFields>(withoutAcquire)
    // @ts-expect-error apply is required
    defineFlow<KeySecretJwtFields>(withoutApply)

    const make = defineFlow(spec)
    const fields: KeySecretJwtFields = {
      baseURL: base,
      identity: undefined,
      secrets: ['key'],
      login: async () => ({ accessToken: 't' }),
      revalidate: undefined,
      logoutPath: undefined,
      attach: undefined,
      authPaths: ['/auth/login'],
    }
    const { identity: _identity, ...withoutIdentity } = fields
    const { secrets: _secrets, ...withoutSecrets } = fields
    // @ts-expect-error identity is required (write identity: undefined on purpose)
    make(withoutIdentity)
    // @ts-expect-error secrets is required
    make(withoutSecrets)
    expect(make(fields).secrets).toEqual(['key'])
  })

  it('shares one definition between strategies of one API shape', () => {
    const config = {
      name: 'demo',
      baseURL: base,
      loginPath: '/auth/login',
      loginBody: () => ({}),
      responseSchema: z.object({ token: z.string() }),
      tokenField: 'token',
    }
    // (compared with ===: printing a bare prototype would run its getters without fields)
    const shared = (a: object, b: object) => Object.getPrototypeOf(a) === Object.getPrototypeOf(b)
    expect(shared(createKeySecretJwtFlow(config), createKeySecretJwtFlow({ ...config, loginBody: () => ({ other: 1 }) }))).toBe(true)
    expect(shared(createKeySecretJwtFlow(config), createKeySecretJwtFlow({ ...config, name: 'other' }))).toBe(false)
    expect(shared(createKeySecretJwtFlow(config), createKeySecretJwtFlow({ ...config, logoutPath: '/auth/logout' }))).toBe(false)
  })
})

describe('the TradeReady flow', () => {
  it('needs acquire and apply in its spec, identity and secrets in its fields', () => {
    const { acquire: _acquire, ...withoutAcquire } = tradeReadySpec
    const { apply: _apply, ...withoutApply } = tradeReadySpec
    // @ts-expect-error acquire is required
    defineFlow<TradeReadyFields>(withoutAcquire)
    // @ts-expect-error apply is required
    defineFlow<TradeReadyFields>(withoutApply)

    const fields = tradeReadyFields({ baseURL: base, apiKey: 'ak_live_x', apiSecret: 'sk_live_x' })
    const { identity: _identity, ...withoutIdentity } = fields
    const { secrets: _secrets, ...withoutSecrets } = fields
    // @ts-expect-error identity is required
    tradeReadyFlow(withoutIdentity)
    // @ts-expect-error secrets is required
    tradeReadyFlow(withoutSecrets)
    expect(tradeReadyFlow(fields).secrets).toEqual(['ak_live_x', 'sk_live_x'])
  })
})

describe('the ProjectX flow', () => {
  it('needs acquire and apply in its spec, identity and secrets in its fields', () => {
    const { acquire: _acquire, ...withoutAcquire } = projectXSpec
    const { apply: _apply, ...withoutApply } = projectXSpec
    // @ts-expect-error acquire is required
    defineFlow<ProjectXFields>(withoutAcquire)
    // @ts-expect-error apply is required
    defineFlow<ProjectXFields>(withoutApply)

    const fields: ProjectXFields = {
      baseURL: base,
      identity: 'trader',
      secrets: ['px-key-0123456789'],
      username: 'trader',
      apiKey: 'px-key-0123456789',
      accountName: undefined,
    }
    const { identity: _identity, ...withoutIdentity } = fields
    const { secrets: _secrets, ...withoutSecrets } = fields
    // @ts-expect-error identity is required
    projectXFlow(withoutIdentity)
    // @ts-expect-error secrets is required
    projectXFlow(withoutSecrets)
    expect(projectXFlow(fields).identity).toBe('trader')
  })
})

describe("the presets' strategies", () => {
  it('carry no old-SDK aliases of engine members; their extras are non-enumerable', () => {
    const tradeready = createTradeReadyAuth({ apiKey: 'ak_live_x', apiSecret: 'sk_live_x', baseURL: base, env: false, backgroundRefresh: false })
    const projectx = createProjectXAuth({ username: 'trader', apiKey: 'px-key-0123456789', baseURL: base, env: false, backgroundRefresh: false })
    for (const alias of ['getSessionToken', 'ensureValidAuthentication', 'refreshAccessToken', 'getAccessToken']) {
      expect(alias in tradeready).toBe(false)
      expect(alias in projectx).toBe(false)
    }
    expect(Object.keys(tradeready)).not.toContain('rateLimit')
    expect(Object.keys(tradeready)).not.toContain('userLogin')
    expect(Object.keys(projectx)).not.toContain('account')
    expect(Object.keys(projectx)).not.toContain('accountName')
    tradeready.dispose()
    projectx.dispose()
  })
})
