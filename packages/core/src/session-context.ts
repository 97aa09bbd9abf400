import { debugLoggerFromEnv } from './debug-logger'
import { AuthEvents } from './events'
import { SkewTracker } from './expiry'
import type { AuthFlow, FlowContext } from './flow'
import { createFlowContext } from './flow-context'
import { LoginLimiter } from './login-limiter'
import { Redactor } from './redact'
import { Reporter } from './reporter'
import type { TransportOptions } from './transport'
import type { SessionOptions } from './types'

/**
 * What every part of one session shares: the flow and options, the redactor and events, and — built on first use,
 * so that ten thousand idle sessions stay small — the reporter, the clock-skew tracker, the auth-call transport, the
 * flow context and the login limiter.
 */
export class SessionContext {
  readonly label: { provider: string; packageName: string }
  readonly redactor = new Redactor()
  readonly events = new AuthEvents()
  readonly now: () => number
  #reporter: Reporter | undefined
  #skew: SkewTracker | undefined
  #transport: TransportOptions | undefined
  #ctx: FlowContext | undefined
  #limiter: LoginLimiter | undefined

  constructor(
    readonly flow: AuthFlow,
    readonly options: SessionOptions,
    readonly base: URL,
  ) {
    this.label = { provider: flow.name, packageName: flow.packageName }
    this.now = options.now ?? Date.now
    for (const secret of flow.secrets ?? []) this.redactor.add(secret)
  }

  get reporter(): Reporter {
    this.#reporter ??= new Reporter(this.label, this.redactor, this.events, this.options.logger ?? debugLoggerFromEnv(this.label.provider), this.now)
    return this.#reporter
  }

  get skew(): SkewTracker {
    this.#skew ??= new SkewTracker({
      maxSkewMs: this.options.maxClockSkewMs,
      onDistrust: (skewMs) =>
        this.reporter.log(
          'warn',
          `${this.flow.name}'s clock is ${Math.round(skewMs / 60_000)} min off ours (Date header); not believed, expiry read without skew correction`,
          {
            skewMs,
          },
        ),
    })
    return this.#skew
  }

  /** How auth calls are sent: time limit, retries, 429 waits, skew tracking. */
  get transport(): TransportOptions {
    const options = this.options
    this.#transport ??= {
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      timeoutMs: options.timeoutMs ?? 30_000,
      label: this.label,
      retry: { maxRetries: 2, baseDelayMs: 200, maxDelayMs: 5_000, ...options.retry },
      maxRateLimitWaitMs: options.maxRateLimitWaitMs ?? 60_000,
      skew: this.skew,
      now: this.now,
    }
    return this.#transport
  }

  /** The `ctx` a flow's acquire/renew/revoke receive. */
  ctx(): FlowContext {
    this.#ctx ??= createFlowContext({
      flow: this.flow,
      baseURL: this.base,
      allowedOrigins: new Set([this.base.origin, ...(this.flow.authOrigins ?? []).map((origin) => new URL(origin).origin)]),
      allowInsecureHttp: this.options.allowInsecureHttp ?? false,
      transport: this.transport,
      redactor: this.redactor,
    })
    return this.#ctx
  }

  limiter(): LoginLimiter {
    const fleet = { scope: `${this.flow.name}@${this.base.origin}`, leaseMs: 2 * (this.options.timeoutMs ?? 30_000) }
    this.#limiter ??= new LoginLimiter(this.options.loginLimit ?? {}, this.now, this.label, fleet)
    return this.#limiter
  }
}
