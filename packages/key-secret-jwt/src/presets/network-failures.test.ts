// Issue 15, item 4 for TradeReady and ProjectX: a refused connection, a DNS failure, a timeout and a bad certificate
// reach the caller as typed AuthErrors naming the reason — through `strategy.fetch()` (an X-API-Key route and a JWT
// route that logs in first) and through the preset helpers (`userLogin()`, `register()`, `account()`) alike — and no
// key, secret or password shows up anywhere.
import type { Session } from '@authmux/core'
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest'
import {
  expectScenarioError,
  type NetworkFailureScenarios,
  SCENARIO_TIMEOUT_MS,
  startNetworkFailureScenarios,
} from '../../../core/src/testing/network-failures'
import { createProjectXAuth, createTradeReadyAuth, registerTradeReadyAccount } from '../index'

const API_KEY = 'ak_live_CANARYnetfail0123456789abcdef'
const API_SECRET = 'sk_live_CANARYnetfail0123456789abcdef'
const PASSWORD = 'CANARY-netfail-password'
const PX_KEY = 'CANARY-projectx-netfail-key-0123456789'
const SECRETS = [API_KEY, API_SECRET, PASSWORD, PX_KEY]
const NAMES = ['refused', 'dns', 'timeout', 'tls'] as const
const limits = { timeoutMs: SCENARIO_TIMEOUT_MS, requestTimeoutMs: SCENARIO_TIMEOUT_MS, retry: { maxRetries: 0 }, env: false } as const

let scenarios: NetworkFailureScenarios
beforeAll(async () => {
  scenarios = await startNetworkFailureScenarios()
})
afterAll(async () => scenarios.close())
const open: Session[] = []
afterEach(() => {
  for (const session of open.splice(0)) session.dispose()
})

const scenario = (name: (typeof NAMES)[number]) => scenarios.all.find((s) => s.name === name)!
function track<S extends Session>(session: S): S {
  open.push(session)
  return session
}
const tradeready = (name: (typeof NAMES)[number]) =>
  track(createTradeReadyAuth({ apiKey: API_KEY, apiSecret: API_SECRET, baseURL: `${scenario(name).origin}/api/v1`, ...limits }))
const projectx = (name: (typeof NAMES)[number]) =>
  track(createProjectXAuth({ username: 'trader', apiKey: PX_KEY, baseURL: `${scenario(name).origin}/api`, ...limits }))
const failure = (promise: Promise<unknown>) => promise.catch((e: unknown) => e)

describe('TradeReady network failures', () => {
  it.each(NAMES)('%s: fetch on an X-API-Key route and on a JWT route (login first) are typed, reason named, no secret', async (name) => {
    const auth = tradeready(name)
    expectScenarioError(await failure(auth.fetch('/account/info')), scenario(name), SECRETS)
    expectScenarioError(await failure(auth.fetch('/agents')), scenario(name), SECRETS)
  })

  it.each(NAMES)('%s: the helpers userLogin() and register() are the same typed errors', async (name) => {
    expectScenarioError(await failure(tradeready(name).userLogin({ email: 'bot@example.com', password: PASSWORD })), scenario(name), SECRETS)
    const register = registerTradeReadyAccount({
      baseURL: `${scenario(name).origin}/api/v1`,
      password: PASSWORD,
      email: 'bot@example.com',
      timeoutMs: SCENARIO_TIMEOUT_MS,
      env: false,
    })
    expectScenarioError(await failure(register), scenario(name), SECRETS)
  })
})

describe('ProjectX network failures', () => {
  it.each(NAMES)('%s: fetch and the account() helper are typed, reason named, no secret', async (name) => {
    const auth = projectx(name)
    expectScenarioError(await failure(auth.fetch('/Account/search', { method: 'POST', body: { onlyActiveAccounts: true } })), scenario(name), SECRETS)
    expectScenarioError(await failure(auth.account()), scenario(name), SECRETS)
  })
})
