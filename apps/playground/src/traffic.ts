import type { Emulators, InjectedFault } from '@authmux/testkit'
import type { Bot, CallResult } from './bot'
import { faultTarget, injectFault, type FaultOutcome, type FaultSpec } from './faults'
import type { ProviderName } from './providers'
import type { Tracker } from './tracker'

/** Requests between two scripted faults on one provider, so each fault is seen on its own in the table. */
const REQUESTS_BETWEEN_FAULTS = 2

interface PendingRenewFault {
  spec: FaultSpec
  handle: InjectedFault
  renewalsAt: number
  errorsAt: number
}

/**
 * A steady stream of probe requests, one loop per provider (so a provider waiting out a 429 never slows the others),
 * with scripted faults injected just before a request and checked right after it.
 */
export class Traffic {
  readonly outcomes: FaultOutcome[] = []
  readonly #bot: Bot
  readonly #tracker: Tracker
  readonly #emulators: Emulators | undefined
  readonly #pauseMs: number
  readonly #queues = new Map<ProviderName, FaultSpec[]>()
  readonly #pending = new Map<ProviderName, PendingRenewFault[]>()
  readonly #loops: Promise<void>[] = []
  #stopped = false

  constructor(options: { bot: Bot; tracker: Tracker; emulators?: Emulators; pauseMs: number }) {
    this.#bot = options.bot
    this.#tracker = options.tracker
    this.#emulators = options.emulators
    this.#pauseMs = options.pauseMs
  }

  start(): void {
    for (const provider of this.#bot.providers) this.#loops.push(this.#loop(provider))
  }

  /** Queues scripted faults (emulated mode only). */
  schedule(plan: Partial<Record<ProviderName, FaultSpec[]>>): void {
    for (const provider of this.#bot.providers) {
      const specs = plan[provider]
      if (specs?.length) this.#queues.set(provider, [...(this.#queues.get(provider) ?? []), ...specs])
    }
  }

  /** True once every queued fault was injected and every renewal fault has played out. */
  faultsSettled(): boolean {
    for (const queue of this.#queues.values()) if (queue.length > 0) return false
    for (const pending of this.#pending.values()) if (pending.length > 0) return false
    return true
  }

  /** Stops the loops after their current request; unresolved renewal faults are reported as not recovered. */
  async stop(): Promise<void> {
    this.#stopped = true
    await Promise.all(this.#loops)
    for (const [provider, pending] of this.#pending) {
      for (const p of pending) {
        p.handle.cancel()
        this.#settle(
          provider,
          p.spec,
          p.handle.hits,
          false,
          p.handle.hits === 0 ? 'no renewal reached the fault before the run ended' : 'the renewal did not complete after the fault',
        )
      }
      pending.length = 0
    }
  }

  async #loop(provider: ProviderName): Promise<void> {
    let sinceFault = REQUESTS_BETWEEN_FAULTS
    while (!this.#stopped) {
      const queue = this.#queues.get(provider)
      const spec = sinceFault >= REQUESTS_BETWEEN_FAULTS ? queue?.shift() : undefined
      if (spec && this.#emulators) {
        sinceFault = 0
        if (spec.on === 'request') await this.#faultedRequest(provider, spec, this.#emulators)
        else {
          this.#armRenewFault(provider, spec, this.#emulators)
          this.#tracker.record(provider, await this.#bot.call(provider))
        }
      } else {
        sinceFault++
        this.#tracker.record(provider, await this.#bot.call(provider))
      }
      this.#checkRenewFaults(provider)
      await sleep(this.#pauseMs)
    }
  }

  async #faultedRequest(provider: ProviderName, spec: FaultSpec, emulators: Emulators): Promise<void> {
    const renewalsBefore = this.#tracker.renewals(provider)
    const handle = injectFault(emulators, provider, spec)
    this.#tracker.note(provider, `injected ${spec.label}`, `injected ${spec.label} on ${faultTarget(spec)}`)
    const result = await this.#bot.call(provider)
    handle.cancel()
    this.#tracker.record(provider, result)
    const { recovered, detail } = judge(spec, result, handle.hits, this.#tracker.renewals(provider) - renewalsBefore)
    this.#settle(provider, spec, handle.hits, recovered, detail)
  }

  #armRenewFault(provider: ProviderName, spec: FaultSpec, emulators: Emulators): void {
    const handle = injectFault(emulators, provider, spec)
    const row = this.#tracker.rows.get(provider)!
    const list = this.#pending.get(provider) ?? []
    list.push({ spec, handle, renewalsAt: this.#tracker.renewals(provider), errorsAt: row.errors })
    this.#pending.set(provider, list)
    this.#tracker.note(provider, `injected ${spec.label} (next renewal)`, `injected ${spec.label} on ${faultTarget(spec)} (its next renewal)`)
  }

  #checkRenewFaults(provider: ProviderName): void {
    const list = this.#pending.get(provider)
    if (!list?.length) return
    const row = this.#tracker.rows.get(provider)!
    for (const p of [...list]) {
      const renewed = this.#tracker.renewals(provider) > p.renewalsAt
      if (p.handle.hits < p.spec.times || !renewed) continue
      list.splice(list.indexOf(p), 1)
      const clean = row.errors === p.errorsAt && row.lastOk === true
      this.#settle(
        provider,
        p.spec,
        p.handle.hits,
        clean,
        clean ? `renewal retried past ${p.handle.hits}× 503, requests kept flowing` : 'the renewal reported an error',
      )
    }
  }

  #settle(provider: ProviderName, spec: FaultSpec, hits: number, recovered: boolean, detail: string): void {
    this.outcomes.push({ provider, label: spec.label, target: faultTarget(spec), expect: spec.expect, hits, recovered, detail })
    this.#tracker.note(
      provider,
      `${spec.label} ${recovered ? 'recovered' : 'NOT recovered'}`,
      `${spec.label} ${recovered ? 'recovered' : 'NOT recovered'}: ${detail}`,
    )
  }
}

/** Did the request that met the fault end the way the spec says it should? */
function judge(spec: FaultSpec, result: CallResult, hits: number, renewals: number): { recovered: boolean; detail: string } {
  const ms = `${(result.durationMs / 1000).toFixed(1)} s`
  if (hits !== spec.times) return { recovered: false, detail: `the fault was hit ${hits} time(s), expected ${spec.times}` }
  if (!result.ok) return { recovered: false, detail: `the request failed: ${result.error ?? 'error'}` }
  if (spec.label === '401') {
    return renewals > 0
      ? { recovered: true, detail: `token renewed and the request replayed (${ms})` }
      : { recovered: false, detail: 'the request succeeded but no renewal happened' }
  }
  if (spec.label === '429') {
    return result.durationMs >= 900
      ? { recovered: true, detail: `waited out Retry-After, then succeeded (${ms})` }
      : { recovered: false, detail: `succeeded after ${ms}, sooner than Retry-After` }
  }
  return { recovered: true, detail: `retried past ${hits}× ${spec.label.slice(0, 3)}, then succeeded (${ms})` }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
