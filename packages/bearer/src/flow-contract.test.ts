import { defineFlow } from '@authmux/core/provider'
import { describe, expect, it } from 'vitest'
import { createAionMarketAuth } from './aionmarket/auth'
import { type AionMarketFields, aionMarketFlow, aionMarketSpec } from './aionmarket/flow'
import { createBearerAuth } from './bearer-auth'
import { bearerFlow, type KeyFields, keyFlowSpec } from './flow'

// Type tests: every flow of this package (the generic static-key flow and the AionMarket preset's) is built with core's
// defineFlow, so leaving out identity, secrets, acquire or apply is a compile error (`pnpm typecheck` runs these).

const BASE = 'http://127.0.0.1:9/api'
const constants = { name: 'bearer', header: 'Authorization', scheme: 'Bearer', newKeyHint: 'where the API issues keys' }

describe('flow contract (type tests)', () => {
  it('the generic flow: acquire and apply are required in the spec, identity and secrets in the fields', () => {
    const spec = keyFlowSpec<KeyFields>(constants)
    const { acquire: _acquire, ...withoutAcquire } = spec
    const { apply: _apply, ...withoutApply } = spec
    // @ts-expect-error acquire is required
    defineFlow<KeyFields>(withoutAcquire)
    // @ts-expect-error apply is required
    defineFlow<KeyFields>(withoutApply)
    const make = bearerFlow(constants)
    // @ts-expect-error identity is required (write identity: undefined on purpose)
    make({ baseURL: BASE, secrets: ['k-1'], canAcquire: true, key: 'k-1' })
    // @ts-expect-error secrets is required (they are what gets redacted)
    make({ baseURL: BASE, identity: undefined, canAcquire: true, key: 'k-1' })
    expect(make({ baseURL: BASE, identity: undefined, secrets: ['k-1'], canAcquire: true, key: 'k-1' }).secrets).toEqual(['k-1'])
  })

  it('the AionMarket flow: the same four are required', () => {
    const { acquire: _acquire, ...withoutAcquire } = aionMarketSpec
    const { apply: _apply, ...withoutApply } = aionMarketSpec
    // @ts-expect-error acquire is required
    defineFlow<AionMarketFields>(withoutAcquire)
    // @ts-expect-error apply is required
    defineFlow<AionMarketFields>(withoutApply)
    const fields = { baseURL: BASE, canAcquire: true, key: 'k-1', userAgent: undefined, requestId: true }
    // @ts-expect-error identity is required
    aionMarketFlow({ ...fields, secrets: ['k-1'] })
    // @ts-expect-error secrets is required
    aionMarketFlow({ ...fields, identity: undefined })
    expect(aionMarketFlow({ ...fields, identity: undefined, secrets: ['k-1'] }).name).toBe('aionmarket')
  })
})

describe('flow sharing', () => {
  it('strategies of one flow share its prototype; each flow holds only its fields (non-enumerable)', () => {
    const make = bearerFlow(constants)
    const a = make({ baseURL: BASE, identity: undefined, secrets: ['k-1'], canAcquire: true, key: 'k-1' })
    const b = bearerFlow({ ...constants })({ baseURL: BASE, identity: undefined, secrets: ['k-2'], canAcquire: true, key: 'k-2' })
    expect(Object.getPrototypeOf(a) === Object.getPrototypeOf(b)).toBe(true)
    expect(Object.keys(a)).toEqual([])
    const other = bearerFlow({ ...constants, header: 'X-API-Key', scheme: null })({ ...a.fields })
    // (compared with ===: a failing toBe would render the prototypes, whose getters need a flow's fields)
    expect(Object.getPrototypeOf(other) === Object.getPrototypeOf(a)).toBe(false)
    expect(other.credentialHeaders).toEqual(['X-API-Key'])
  })

  it('presets add their helpers once: the same functions on every strategy, out of JSON and spreads', () => {
    const one = createAionMarketAuth({ apiKey: 'k-1', baseURL: BASE })
    const two = createAionMarketAuth({ apiKey: 'k-2', baseURL: BASE })
    expect(one.me).toBe(two.me)
    expect(Object.keys(one)).not.toContain('me')
    expect(JSON.stringify(one)).not.toContain('registerAgent')
    const generic = createBearerAuth({ apiKey: 'k-1', baseURL: BASE })
    expect(generic.name).toBe('bearer')
  })
})
