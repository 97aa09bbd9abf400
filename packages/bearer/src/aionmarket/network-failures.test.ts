// Issue 15, item 4 for AionMarket: a refused connection, a DNS failure, a timeout and a bad certificate reach the caller
// as typed AuthErrors naming the reason — through `aion.fetch()` and through the helpers (`me()`, `listApiKeys()`,
// `registerAgent()`) alike — and the API key shows up nowhere.
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest'
import {
  expectScenarioError,
  type NetworkFailureScenarios,
  SCENARIO_TIMEOUT_MS,
  startNetworkFailureScenarios,
} from '../../../core/src/testing/network-failures'
import { createBearerAuth } from '../bearer-auth'
import { type AionMarketAuth, createAionMarketAuth } from '../index'

const KEY = 'CANARY-aion-netfail-0123456789abcdefghijklmnopqrstuvwxyz0123456789'
const NAMES = ['refused', 'dns', 'timeout', 'tls'] as const

let scenarios: NetworkFailureScenarios
beforeAll(async () => {
  scenarios = await startNetworkFailureScenarios()
})
afterAll(async () => scenarios.close())
const open: AionMarketAuth[] = []
afterEach(() => {
  for (const auth of open.splice(0)) auth.dispose()
})

function aion(name: (typeof NAMES)[number]): AionMarketAuth {
  const { origin } = scenarios.all.find((s) => s.name === name)!
  const auth = createAionMarketAuth({ apiKey: KEY, baseURL: `${origin}/bvapi`, requestTimeoutMs: SCENARIO_TIMEOUT_MS, retry: { maxRetries: 0 }, env: false })
  open.push(auth)
  return auth
}

const scenario = (name: (typeof NAMES)[number]) => scenarios.all.find((s) => s.name === name)!

describe('AionMarket network failures', () => {
  it.each(NAMES)('%s: aion.fetch() is a typed error naming the reason, without the key', async (name) => {
    expectScenarioError(
      await aion(name)
        .fetch('/markets')
        .catch((e: unknown) => e),
      scenario(name),
      [KEY],
    )
  })

  it.each(NAMES)('%s: aion.me() is the same typed error', async (name) => {
    expectScenarioError(
      await aion(name)
        .me()
        .catch((e: unknown) => e),
      scenario(name),
      [KEY],
    )
  })

  it.each(NAMES)('%s: aion.listApiKeys() and aion.registerAgent() too', async (name) => {
    const auth = aion(name)
    expectScenarioError(await auth.listApiKeys().catch((e: unknown) => e), scenario(name), [KEY])
    expectScenarioError(await auth.registerAgent({ name: 'bot' }).catch((e: unknown) => e), scenario(name), [KEY])
  })

  it.each(NAMES)('%s: the generic createBearerAuth fetch as well', async (name) => {
    const { origin } = scenario(name)
    const auth = createBearerAuth({ name: 'custom', baseURL: `${origin}/api`, apiKey: KEY, requestTimeoutMs: SCENARIO_TIMEOUT_MS, retry: { maxRetries: 0 } })
    expectScenarioError(await auth.fetch('/account').catch((e: unknown) => e), scenario(name), [KEY])
    auth.dispose()
  })
})
