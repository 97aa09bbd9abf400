import { createSession, type AuthFlow } from '@authmux/core'
import { describe, expect, it } from 'vitest'
import { createFileTokenStore } from './index'
import { collectErrors, tempStoreDir } from './test-support/helpers'

/** A flow that "logs in" locally and counts it (no HTTP: this checks the store contract, not a provider). */
function countingFlow(): AuthFlow & { logins: number } {
  const flow = {
    name: 'demo',
    packageName: '@authmux/store-file',
    baseURL: 'https://api.example.test',
    identity: 'bot-1',
    logins: 0,
    async acquire() {
      flow.logins++
      return { accessToken: `canary-token-${flow.logins}`, expiresAt: Date.now() + 3_600_000 }
    },
    apply(tokens: { accessToken: string } | undefined, request: { headers: Headers }) {
      if (tokens) request.headers.set('authorization', `Bearer ${tokens.accessToken}`)
    },
  }
  return flow
}

describe('with the core engine', () => {
  it('a second process start with the same store reuses the token: zero logins', async () => {
    const dir = await tempStoreDir()
    const first = countingFlow()
    const session = createSession(first, { store: createFileTokenStore({ dir }), backgroundRefresh: false })
    await session.ensureValid()
    expect(first.logins).toBe(1)
    session.dispose()

    const second = countingFlow()
    const store = createFileTokenStore({ dir })
    const errors = collectErrors(store)
    const restarted = createSession(second, { store, backgroundRefresh: false })
    expect(await restarted.getHeaders()).toEqual({ authorization: 'Bearer canary-token-1' })
    expect(second.logins).toBe(0)
    expect(errors).toEqual([])
    restarted.dispose()
  })
})
