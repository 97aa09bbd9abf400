import { inspect } from 'node:util'
import { ConfigError, MemoryTokenStore, TokenExpiredError } from '@authmux/core'
import { startAionMarketEmulator, type AionMarketEmulator } from '@authmux/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKeyRing } from '../index'

let emu: AionMarketEmulator

beforeAll(async () => {
  emu = await startAionMarketEmulator()
})
afterAll(async () => {
  await emu?.close()
})

/** Records the Authorization header of each outgoing request; can hold one request in flight until released. */
function recordingFetch() {
  const sent: Array<{ path: string; authorization: string | null }> = []
  let held: { suffix: string; started: () => void; released: Promise<void> } | undefined
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const path = new URL(String(input instanceof Request ? input.url : input)).pathname
    sent.push({ path, authorization: new Headers(init?.headers).get('authorization') })
    const hold = held && path.endsWith(held.suffix) ? held : undefined
    if (hold) {
      held = undefined
      hold.started()
      await hold.released
    }
    return globalThis.fetch(input, init)
  }
  /** Holds the next request to a path ending in `suffix` (its headers already set) until `release()`. */
  const holdNext = (suffix: string) => {
    let started!: () => void
    let release!: () => void
    const isHeld = new Promise<void>((resolve) => (started = resolve))
    held = { suffix, started, released: new Promise<void>((resolve) => (release = resolve)) }
    return { started: isHeld, release }
  }
  return { fetch, sent, holdNext }
}

function newAgentKeys() {
  const trading = emu.addAgent({ name: 'trader' })
  const monitoring = emu.addAgent({ name: 'monitor' })
  return { trading: trading.apiKey, monitoring: monitoring.apiKey, tradingAgent: trading.agentId, monitoringAgent: monitoring.agentId }
}

describe('createKeyRing', () => {
  it('gives each purpose its own strategy and key', async () => {
    const keys = newAgentKeys()
    const ring = createKeyRing({ trading: keys.trading, monitoring: keys.monitoring }, { baseURL: emu.url })
    expect(ring.purposes).toEqual(['trading', 'monitoring'])
    expect((await ring.get('trading').me()).agentId).toBe(keys.tradingAgent)
    expect((await ring.get('monitoring').me()).agentId).toBe(keys.monitoringAgent)
    expect(ring.get('trading')).not.toBe(ring.get('monitoring'))
    expect(() => ring.get('admin' as 'trading')).toThrow(ConfigError)
    ring.dispose()
  })

  it('rotate(): in-flight requests finish on the old key, new ones use the new key, the store holds it', async () => {
    const keys = newAgentKeys()
    const store = new MemoryTokenStore()
    const { fetch, sent, holdNext } = recordingFetch()
    const ring = createKeyRing({ trading: keys.trading, monitoring: keys.monitoring }, { baseURL: emu.url, store, fetch })
    const trading = ring.get('trading')
    await trading.me()

    // A request that is provably in flight for the whole rotation: held after its headers were set.
    const slowRequest = holdNext('/agents/me')
    const inFlight = trading.me()
    await slowRequest.started
    const rotated = await ring.rotate('trading', { keyName: 'trading-2' })
    const fresh = await trading.me()
    slowRequest.release()
    const slow = await inFlight

    expect(slow.agentId).toBe(keys.tradingAgent)
    expect(fresh.agentId).toBe(keys.tradingAgent)
    const meCalls = sent.filter((s) => s.path.endsWith('/agents/me'))
    const oldHeader = `Bearer ${keys.trading}`
    const newKey = trading.accessToken!
    expect(newKey).not.toBe(keys.trading)
    expect(meCalls.map((c) => c.authorization)).toEqual([oldHeader, oldHeader, `Bearer ${newKey}`])
    // create-api-key itself was authenticated with the old key
    expect(sent.find((s) => s.path.endsWith('/agents/create-api-key'))!.authorization).toBe(oldHeader)

    expect(rotated).toMatchObject({ purpose: 'trading', keyName: 'trading-2' })
    expect(rotated.fingerprint).not.toBe(rotated.previousFingerprint)
    expect((await store.get('aionmarket:keyring:trading'))!.accessToken).toBe(newKey)
    // the other purpose is untouched
    expect((await ring.get('monitoring').getHeaders()).authorization).toBe(`Bearer ${keys.monitoring}`)
    ring.dispose()
  })

  it('after a restart the rotated key is loaded from the store, not the configured old key', async () => {
    const keys = newAgentKeys()
    const store = new MemoryTokenStore()
    const first = createKeyRing({ trading: keys.trading }, { baseURL: emu.url, store })
    await first.rotate('trading')
    const rotatedKey = first.get('trading').accessToken!
    first.dispose()
    emu.revokeKey(keys.trading)

    const { fetch, sent } = recordingFetch()
    const second = createKeyRing({ trading: keys.trading }, { baseURL: emu.url, store, fetch })
    expect((await second.get('trading').me()).agentId).toBe(keys.tradingAgent)
    expect(sent[0]!.authorization).toBe(`Bearer ${rotatedKey}`)
    second.dispose()
  })

  it('a purpose without a key uses the key stored for it (session-only), and says how to supply one when there is none', async () => {
    const keys = newAgentKeys()
    const store = new MemoryTokenStore()
    const ring = createKeyRing({ trading: undefined, monitoring: keys.monitoring }, { baseURL: emu.url, store })
    const error = await ring
      .get('trading')
      .me()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TokenExpiredError)
    expect((error as Error).message).toMatch(/AIONMARKET_API_KEY/)
    ring.dispose()
    await store.set('aionmarket:keyring:trading', { accessToken: keys.trading })
    const restarted = createKeyRing({ trading: undefined }, { baseURL: emu.url, store })
    expect((await restarted.get('trading').me()).agentId).toBe(keys.tradingAgent)
    restarted.dispose()
  })

  it('concurrent rotate() calls for one purpose create one key', async () => {
    const keys = newAgentKeys()
    const ring = createKeyRing({ trading: keys.trading }, { baseURL: emu.url })
    const before = emu.requests.list({ path: '/agents/create-api-key' }).length
    const [a, b] = await Promise.all([ring.rotate('trading'), ring.rotate('trading')])
    expect(a).toBe(b)
    expect(emu.requests.list({ path: '/agents/create-api-key' }).length - before).toBe(1)
    ring.dispose()
  })

  it('never logs or exposes the keys in plaintext', async () => {
    const keys = newAgentKeys()
    const logs: unknown[] = []
    const events: unknown[] = []
    const logger = { debug: (...a: unknown[]) => logs.push(a), info: (...a: unknown[]) => logs.push(a), warn: (...a: unknown[]) => logs.push(a) }
    const ring = createKeyRing({ trading: keys.trading }, { baseURL: emu.url, logger })
    ring.get('trading').on('login', (e) => events.push(e))
    const rotated = await ring.rotate('trading')
    const newKey = ring.get('trading').accessToken!
    const text = [JSON.stringify(logs), JSON.stringify(rotated), inspect(ring, { depth: 6 }), JSON.stringify(events), JSON.stringify(ring.get('trading'))].join(
      '\n',
    )
    expect(logs.length).toBeGreaterThan(0)
    expect(text).not.toContain(newKey)
    expect(text).not.toContain(keys.trading)
    ring.dispose()
  })
})
