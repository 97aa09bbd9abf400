import { describe, expect, it } from 'vitest'
import { MemoryTokenStore } from './memory-store'
import { createSession } from './session'
import { testFlow } from './testing/test-flow'

const base = 'http://127.0.0.1:9/api'

describe('the default store key never lets two accounts share tokens', () => {
  it('a flow without an identity gets a key from a fingerprint of its secrets, never the secret itself', async () => {
    const a = createSession(testFlow(base, { identity: undefined, apiKey: 'CANARY-key-account-a' }))
    const b = createSession(testFlow(base, { identity: undefined, apiKey: 'CANARY-key-account-b' }))
    const again = createSession(testFlow(base, { identity: undefined, apiKey: 'CANARY-key-account-a' }))
    const [keyA, keyB, keyAgain] = await Promise.all([a.storeKey(), b.storeKey(), again.storeKey()])
    expect(keyA).toMatch(/^testprov:fp-[0-9a-f]{24}$/)
    expect(keyA).not.toBe(keyB)
    expect(keyAgain).toBe(keyA) // same credentials find their tokens again after a restart
    expect(`${keyA}${keyB}`).not.toContain('CANARY')
  })

  it('two identity-less accounts on one store each read only their own tokens', async () => {
    const store = new MemoryTokenStore()
    const a = createSession(testFlow(base, { identity: undefined, apiKey: 'key-a' }), { store })
    const b = createSession(testFlow(base, { identity: undefined, apiKey: 'key-b' }), { store })
    await a.setTokens({ accessToken: 'token-of-a' })
    await b.ensureValid().catch(() => undefined) // b cannot log in here (no server): it must not adopt a's token
    expect(b.accessToken).toBeUndefined()
  })

  it('an identity names the slot; an explicit storeKey wins', async () => {
    expect(await createSession(testFlow(base)).storeKey()).toBe('testprov:acct-1')
    expect(await createSession(testFlow(base), { storeKey: 'mine' }).storeKey()).toBe('mine')
    expect(await createSession(testFlow(base, { identity: undefined, secrets: [] })).storeKey()).toBe('testprov:default')
  })
})
