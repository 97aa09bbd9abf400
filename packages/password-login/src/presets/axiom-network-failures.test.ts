// Issue 15, item 4 for Axiom: a refused connection, a DNS failure, a timeout and a bad certificate reach the caller as
// typed AuthErrors naming the reason — through `axiom.fetch()` (with imported tokens, and logging in first) and
// through `login()` — and neither the password nor a token shows up anywhere.
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest'
import {
  expectScenarioError,
  type NetworkFailureScenarios,
  SCENARIO_TIMEOUT_MS,
  startNetworkFailureScenarios,
} from '../../../core/src/testing/network-failures'
import { type AxiomAuth, type AxiomAuthOptions, createAxiomAuth } from './axiom'

const PASSWORD = 'CANARY-axiom-netfail-password'
const ACCESS = 'CANARY-axiom-netfail-access-token'
const REFRESH = 'CANARY-axiom-netfail-refresh-token'
const SECRETS = [PASSWORD, ACCESS, REFRESH]
const NAMES = ['refused', 'dns', 'timeout', 'tls'] as const

let scenarios: NetworkFailureScenarios
beforeAll(async () => {
  scenarios = await startNetworkFailureScenarios()
})
afterAll(async () => scenarios.close())
const open: AxiomAuth[] = []
afterEach(() => {
  for (const auth of open.splice(0)) auth.dispose()
})

const scenario = (name: (typeof NAMES)[number]) => scenarios.all.find((s) => s.name === name)!
function axiom(name: (typeof NAMES)[number], options: AxiomAuthOptions = {}): AxiomAuth {
  const auth = createAxiomAuth({
    baseURL: scenario(name).origin,
    email: 'trader@example.com',
    password: PASSWORD,
    otp: async () => '123456',
    timeoutMs: SCENARIO_TIMEOUT_MS,
    requestTimeoutMs: SCENARIO_TIMEOUT_MS,
    retry: { maxRetries: 0 },
    env: false,
    ...options,
  })
  open.push(auth)
  return auth
}

describe('Axiom network failures', () => {
  it.each(NAMES)('%s: axiom.fetch() with imported tokens is typed, reason named, no secret', async (name) => {
    const error = await axiom(name, { accessToken: ACCESS, refreshToken: REFRESH })
      .fetch('/user/info')
      .catch((e: unknown) => e)
    expectScenarioError(error, scenario(name), SECRETS)
  })

  it.each(NAMES)('%s: axiom.fetch() logging in first, and axiom.login(), are the same typed errors', async (name) => {
    expectScenarioError(
      await axiom(name)
        .fetch('/user/info')
        .catch((e: unknown) => e),
      scenario(name),
      SECRETS,
    )
    expectScenarioError(
      await axiom(name)
        .login()
        .catch((e: unknown) => e),
      scenario(name),
      SECRETS,
    )
  })
})
