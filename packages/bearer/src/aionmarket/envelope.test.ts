import { ProviderError } from '@authmux/core'
import { describe, expect, it } from 'vitest'
import { KeyRejectedError } from '../errors'
import { unwrapEnvelope } from './envelope'

describe('unwrapEnvelope (AionMarket response shapes)', () => {
  const agent = { agentId: 'a-1', agentName: 'bot' }
  it('accepts the bare object', () => {
    expect(unwrapEnvelope(agent)).toEqual(agent)
    expect(unwrapEnvelope([agent])).toEqual([agent])
  })
  it('unwraps { code, data, msg } and { success, data }', () => {
    expect(unwrapEnvelope({ code: 200, data: agent, msg: 'ok' })).toEqual(agent)
    expect(unwrapEnvelope({ code: 0, data: agent })).toEqual(agent)
    expect(unwrapEnvelope({ code: '200', data: [agent] })).toEqual([agent])
    expect(unwrapEnvelope({ success: true, data: agent })).toEqual(agent)
  })
  it('turns a wrapped failure into a typed error with the provider code and message', () => {
    const failure = (() => {
      try {
        unwrapEnvelope({ code: 40012, msg: 'keyName already exists', data: null })
      } catch (error) {
        return error
      }
    })()
    expect(failure).toBeInstanceOf(ProviderError)
    expect((failure as ProviderError).providerCode).toBe(40012)
    expect((failure as Error).message).toMatch(/^@authmux\/bearer: .*keyName already exists/)
    expect(() => unwrapEnvelope({ success: false, error: 'nope' })).toThrow(ProviderError)
  })
  it('never quotes the key the call carried, and keeps a code that is not a number as sent', () => {
    const key = 'k-0123456789abcdef0123456789abcdef'
    const failure = (() => {
      try {
        unwrapEnvelope({ code: 'E_FROZEN', msg: `key ${key} is frozen` }, [undefined, key])
      } catch (error) {
        return error
      }
    })()
    expect(failure).toMatchObject({ name: 'ProviderError', providerCode: 'E_FROZEN' })
    expect((failure as Error).message).toBe('@authmux/bearer: AionMarket answered an error: key [REDACTED] is frozen.')
  })
  it('maps a wrapped 401 to the "key invalid or revoked" error', () => {
    expect(() => unwrapEnvelope({ code: 401, message: 'Invalid API key.' })).toThrow(KeyRejectedError)
  })
})
