import type { Emulators, FaultRule, InjectedFault } from '@authmux/testkit'
import { PROBES, type ProviderName } from './providers'

/** One scripted fault and what the bot must do about it. */
export interface FaultSpec {
  /** Short label for the table and the report: `401`, `429`, `503×2`. */
  label: string
  /** `request`: hits the next probe request; `renew`: hits the next token renewal (background refresh). */
  on: 'request' | 'renew'
  method: 'GET' | 'POST'
  /** Path on the emulator, as the emulator sees it. */
  path: string
  times: number
  fault: FaultRule['fault']
  /** What recovery looks like, for the report. */
  expect: string
}

/** A fault as it played out. */
export interface FaultOutcome {
  provider: ProviderName
  label: string
  target: string
  expect: string
  /** How many requests the emulator actually faulted. */
  hits: number
  recovered: boolean
  detail: string
}

/** Emulator-side paths of each probe (the emulators' base paths prefixed). */
const PROBE_PATHS: Record<ProviderName, string> = {
  axiom: PROBES.axiom.path,
  aionmarket: `/bvapi${PROBES.aionmarket.path}`,
  projectx: `/api${PROBES.projectx.path}`,
  tradeready: `/api/v1${PROBES.tradeready.path}`,
  apala: PROBES.apala.path,
}

const onProbe = (provider: ProviderName, spec: Omit<FaultSpec, 'on' | 'method' | 'path'>): FaultSpec => ({
  ...spec,
  on: 'request',
  method: PROBES[provider].method,
  path: PROBE_PATHS[provider],
})

const unauthorized = (provider: ProviderName) => onProbe(provider, { label: '401', times: 1, fault: 401, expect: 'renew the token, replay the request once' })
const rateLimited = (provider: ProviderName) =>
  onProbe(provider, { label: '429', times: 1, fault: { kind: 'rate-limit', retryAfterSeconds: 1 }, expect: 'wait Retry-After (1 s), then succeed' })
const burstOnProbe = (provider: ProviderName) => onProbe(provider, { label: '503×2', times: 2, fault: 503, expect: 'retry with backoff, then succeed' })

/**
 * The scripted faults per provider. 5xx are retried only for idempotent requests and auth calls, so the 503 burst
 * hits the GET probes directly and, for the providers whose probe is a POST (ProjectX, Apala), their renewal call.
 * AionMarket's key is static: a 401 there means the key was revoked, which is never replayed — no 401 is scripted.
 */
export const FAULT_PLAN: Record<ProviderName, FaultSpec[]> = {
  axiom: [unauthorized('axiom'), rateLimited('axiom'), burstOnProbe('axiom')],
  aionmarket: [rateLimited('aionmarket'), burstOnProbe('aionmarket')],
  projectx: [
    unauthorized('projectx'),
    rateLimited('projectx'),
    {
      label: '503×2',
      on: 'renew',
      method: 'POST',
      path: '/api/Auth/validate',
      times: 2,
      fault: 503,
      expect: 'retry the revalidation, keep serving the valid token',
    },
  ],
  tradeready: [unauthorized('tradeready'), rateLimited('tradeready'), burstOnProbe('tradeready')],
  apala: [
    unauthorized('apala'),
    rateLimited('apala'),
    { label: '503×2', on: 'renew', method: 'POST', path: '/api/auth/refresh', times: 2, fault: 503, expect: 'retry the refresh, keep serving the valid token' },
  ],
}

/** Injects one fault into the emulators. */
export function injectFault(emulators: Emulators, provider: ProviderName, spec: FaultSpec): InjectedFault {
  return emulators.faults.inject({ provider, method: spec.method, path: spec.path, times: spec.times, fault: spec.fault })
}

/** `POST /api/Auth/validate`. */
export function faultTarget(spec: FaultSpec): string {
  return `${spec.method} ${spec.path}`
}
