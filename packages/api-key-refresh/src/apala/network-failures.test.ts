// Issue 15, item 4 for Apala: a refused connection, a DNS failure, a timeout and a bad certificate reach the caller as
// typed AuthErrors naming the reason — through `apala.fetch()` and through `login()` (Apala has no HTTP helper of
// its own: its one extra, `company`, reads the token response) — and the API key shows up nowhere.
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest'
import {
  expectScenarioError,
  type NetworkFailureScenarios,
  SCENARIO_TIMEOUT_MS,
  startNetworkFailureScenarios,
} from '../../../core/src/testing/network-failures'
import { type ApalaAuth, createApalaAuth } from '../index'

const KEY = 'CANARY-apala-netfail-key-0123456789'
const NAMES = ['refused', 'dns', 'timeout', 'tls'] as const

let scenarios: NetworkFailureScenarios
beforeAll(async () => {
  scenarios = await startNetworkFailureScenarios()
})
afterAll(async () => scenarios.close())
const open: ApalaAuth[] = []
afterEach(() => {
  for (const auth of open.splice(0)) auth.dispose()
})

const scenario = (name: (typeof NAMES)[number]) => scenarios.all.find((s) => s.name === name)!
function apala(name: (typeof NAMES)[number]): ApalaAuth {
  const auth = createApalaAuth({
    apiKey: KEY,
    baseURL: scenario(name).origin,
    timeoutMs: SCENARIO_TIMEOUT_MS,
    requestTimeoutMs: SCENARIO_TIMEOUT_MS,
    retry: { maxRetries: 0 },
    env: false,
  })
  open.push(auth)
  return auth
}

describe('Apala network failures', () => {
  it.each(NAMES)('%s: apala.fetch() (exchanging the key first) is typed, reason named, no key', async (name) => {
    const error = await apala(name)
      .fetch('/api/message_optimizer', { method: 'POST', body: { message: { content: 'Hi', channel: 'SMS' } } })
      .catch((e: unknown) => e)
    expectScenarioError(error, scenario(name), [KEY])
  })

  it.each(NAMES)('%s: apala.login() is the same typed error', async (name) => {
    expectScenarioError(
      await apala(name)
        .login()
        .catch((e: unknown) => e),
      scenario(name),
      [KEY],
    )
  })
})
