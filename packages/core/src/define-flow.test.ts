import { describe, expect, it } from 'vitest'
import { defineFlow, type FlowFields } from './define-flow'
import { optionOrEnv, requireOption } from './env'
import { ConfigError } from './errors'
import { extendSession } from './extend-session'
import { createSession } from './session'

interface DemoFields extends FlowFields {
  readonly clientId: string
}

const demoFlow = defineFlow<DemoFields>({
  name: 'demo',
  packageName: '@authmux/core-test',
  async acquire(_ctx, fields) {
    return { accessToken: `token-for-${fields.clientId}` }
  },
  apply(tokens, request) {
    if (tokens) request.headers.set('authorization', `Bearer ${tokens.accessToken}`)
  },
})

const fields = (clientId: string): DemoFields => ({ baseURL: 'http://127.0.0.1:9/api', identity: clientId, secrets: ['s3cret-value'], clientId })

describe('defineFlow', () => {
  it('shares methods and constants on one prototype; each flow holds only its fields (non-enumerable)', async () => {
    const a = demoFlow(fields('a'))
    const b = demoFlow(fields('b'))
    expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b))
    expect(Object.keys(a)).toEqual([])
    expect(a.name).toBe('demo')
    expect(a.identity).toBe('a')
    expect(a.secrets).toEqual(['s3cret-value'])
    expect(a.canAcquire).toBe(true)
    expect(a.renew).toBeUndefined()
    expect(await createSession(b).getHeaders()).toEqual({ authorization: 'Bearer token-for-b' })
  })

  it('passes the fields to optional methods as their last argument', () => {
    const flow = defineFlow<DemoFields>({
      name: 'demo',
      packageName: '@authmux/core-test',
      acquire: async () => ({ accessToken: 't' }),
      apply: () => undefined,
      isAuthEndpoint: (url, f) => url.pathname === `/${f.clientId}/login`,
    })(fields('x'))
    expect(flow.isAuthEndpoint?.(new URL('http://h/x/login'))).toBe(true)
    expect(flow.isAuthEndpoint?.(new URL('http://h/y/login'))).toBe(false)
  })

  it('makes every required field a compile error when missing (type test)', () => {
    const spec = { name: 'demo', packageName: '@authmux/core-test', acquire: async () => ({ accessToken: 't' }), apply: () => undefined }
    const { acquire: _acquire, ...withoutAcquire } = spec
    const { apply: _apply, ...withoutApply } = spec
    // @ts-expect-error acquire is required
    defineFlow<DemoFields>(withoutAcquire)
    // @ts-expect-error apply is required
    defineFlow<DemoFields>(withoutApply)
    const make = defineFlow<DemoFields>(spec)
    // @ts-expect-error identity is required (write identity: undefined on purpose)
    make({ baseURL: 'http://127.0.0.1:9', secrets: [], clientId: 'c' })
    // @ts-expect-error secrets is required
    make({ baseURL: 'http://127.0.0.1:9', identity: undefined, clientId: 'c' })
    expect(make({ baseURL: 'http://127.0.0.1:9', identity: undefined, secrets: [], clientId: 'c' }).identity).toBeUndefined()
  })
})

describe('extendSession', () => {
  it('adds typed, non-enumerable extras and refuses to shadow an engine member', () => {
    const session = extendSession(createSession(demoFlow(fields('a'))), { clientId: 'a', greet: () => 'hi' })
    expect(session.greet()).toBe('hi')
    expect(Object.keys(session)).not.toContain('greet')
    expect(JSON.stringify(session)).not.toContain('greet')
    // @ts-expect-error login is an engine member
    expect(() => extendSession(createSession(demoFlow(fields('b'))), { login: () => undefined })).toThrow(/already a member/)
  })
})

describe('optionOrEnv / requireOption: one rule for every preset', () => {
  const spec = { field: 'apiKey', envName: 'DEMO_API_KEY', provider: 'demo', packageName: '@authmux/core-test' }
  it('trims, treats blank as unset, falls back to the environment, and env: false reads none', () => {
    expect(optionOrEnv('  key  ', spec)).toBe('key')
    expect(optionOrEnv('  pass  ', { ...spec, trim: false })).toBe('  pass  ')
    expect(optionOrEnv('   ', { ...spec, env: { DEMO_API_KEY: ' from-env ' } })).toBe('from-env')
    expect(optionOrEnv(undefined, { ...spec, env: false })).toBeUndefined()
  })
  it('a missing required option names the field, the variable and the fix', () => {
    const error = (() => {
      try {
        requireOption(undefined, { ...spec, env: {}, hint: 'Or pass { storeKey }.' })
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({
      field: 'apiKey',
      message: '@authmux/core-test: apiKey is missing — pass { apiKey } or set DEMO_API_KEY. Or pass { storeKey }.',
    })
  })
})
