import { defineFlow } from '@authmux/core/provider'
import { describe, expect, it } from 'vitest'
import { loginFlowSpec, PACKAGE_NAME } from './flow'
import { type GenericFields, genericFlow, genericProvider } from './generic'
import { AXIOM_AUTH_ORIGINS, AXIOM_HOSTS, AXIOM_LOGIN_URLS, AXIOM_PROVIDER, AXIOM_SETTINGS, type AxiomFields, axiomFlow } from './presets/axiom-flow'
import type { PasswordLoginConfig } from './types'

// Type tests: every flow of this package is written with core's `defineFlow`, so a flow that lost a required piece —
// its identity, its secrets (what registers the password for redaction), acquire or apply — does not compile. Each
// `@ts-expect-error` below fails `pnpm typecheck` the day that stops being true.

const axiomFields = (email: string | undefined): AxiomFields => ({
  baseURL: AXIOM_HOSTS.api,
  identity: email,
  secrets: ['pw'],
  canAcquire: email !== undefined,
  authOrigins: AXIOM_AUTH_ORIGINS,
  settings: AXIOM_SETTINGS,
  loginURLs: AXIOM_LOGIN_URLS,
  email,
  password: 'pw',
  otp: undefined,
  extraCookies: undefined,
  logoutStep: undefined,
  turnstileToken: undefined,
})

const config: PasswordLoginConfig = {
  name: 'demo',
  baseURL: 'https://api.example.com/v1',
  email: 'ana@example.com',
  password: 'pw',
  login: { url: '/session' },
  tokens: { access: { fields: ['access_token'] } },
  refresh: { url: '/session/refresh' },
  attach: { as: 'header' },
}

const genericFields = (): GenericFields => ({
  baseURL: config.baseURL,
  identity: config.email,
  secrets: [config.password],
  settings: { authURLs: [config.login.url], sentAsCookies: {} },
  email: config.email,
  password: config.password,
  otp: undefined,
  extraCookies: undefined,
  logoutStep: undefined,
  config,
})

describe('flow contract (type tests)', () => {
  it('Axiom: identity, secrets, acquire and apply are required', () => {
    const { identity: _identity, ...noIdentity } = axiomFields('a@axiom.test')
    const { secrets: _secrets, ...noSecrets } = axiomFields('a@axiom.test')
    // @ts-expect-error identity is required (write identity: undefined on purpose when there is no email)
    axiomFlow(noIdentity)
    // @ts-expect-error secrets is required: it registers the password and tokens for redaction
    axiomFlow(noSecrets)

    const spec = loginFlowSpec(AXIOM_PROVIDER)
    const { acquire: _acquire, ...noAcquire } = spec
    const { apply: _apply, ...noApply } = spec
    // @ts-expect-error acquire is required
    defineFlow<AxiomFields>(noAcquire)
    // @ts-expect-error apply is required
    defineFlow<AxiomFields>(noApply)
  })

  it("Axiom: the provider's step functions behind acquire and apply are required", () => {
    const { loginRequest: _login, ...noLogin } = AXIOM_PROVIDER
    const { tokensOf: _tokens, ...noTokens } = AXIOM_PROVIDER
    const { attachTokens: _attach, ...noAttach } = AXIOM_PROVIDER
    // @ts-expect-error loginRequest is required (acquire sends it)
    loginFlowSpec<AxiomFields>(noLogin)
    // @ts-expect-error tokensOf is required (acquire and renew read the tokens with it)
    loginFlowSpec<AxiomFields>(noTokens)
    // @ts-expect-error attachTokens is required (apply puts the tokens on requests with it)
    loginFlowSpec<AxiomFields>(noAttach)
  })

  it('generic style: identity, secrets, acquire and apply are required', () => {
    const make = genericFlow(config, PACKAGE_NAME)
    const { identity: _identity, ...noIdentity } = genericFields()
    const { secrets: _secrets, ...noSecrets } = genericFields()
    // @ts-expect-error identity is required
    make(noIdentity)
    // @ts-expect-error secrets is required
    make(noSecrets)

    const spec = loginFlowSpec(genericProvider(config, PACKAGE_NAME))
    const { acquire: _acquire, ...noAcquire } = spec
    const { apply: _apply, ...noApply } = spec
    // @ts-expect-error acquire is required
    defineFlow<GenericFields>(noAcquire)
    // @ts-expect-error apply is required
    defineFlow<GenericFields>(noApply)
  })
})

describe('flow contract (runtime)', () => {
  it('every Axiom strategy shares one prototype and holds only its fields; no email → identity undefined', () => {
    const a = axiomFlow(axiomFields('a@axiom.test'))
    const b = axiomFlow(axiomFields(undefined))
    expect(Object.getPrototypeOf(a) === Object.getPrototypeOf(b)).toBe(true)
    expect(Object.keys(a)).toEqual([])
    expect(a.identity).toBe('a@axiom.test')
    expect(b.identity).toBeUndefined()
    expect(a.renew).toBeTypeOf('function')
  })

  it('generic strategies of one provider share one prototype; a config without refresh gets a flow without renew', () => {
    const a = genericFlow(config, PACKAGE_NAME)(genericFields())
    const b = genericFlow({ ...config, email: 'bo@example.com' }, PACKAGE_NAME)(genericFields())
    const noRefresh = genericFlow({ ...config, refresh: undefined }, PACKAGE_NAME)(genericFields())
    // (compared as booleans: a flow prototype's getters need a flow, so vitest must not print one)
    expect(Object.getPrototypeOf(a) === Object.getPrototypeOf(b)).toBe(true)
    expect(Object.getPrototypeOf(noRefresh) === Object.getPrototypeOf(a)).toBe(false)
    expect(a.renew).toBeTypeOf('function')
    expect(noRefresh.renew).toBeUndefined()
  })
})
