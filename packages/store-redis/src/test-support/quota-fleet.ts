import { fileURLToPath } from 'node:url'
import { startTradeReadyEmulator, type TradeReadyEmulator } from '@authmux/testkit'
import type { FleetLoginQuota } from '@authmux/core'
import { forkBot } from './forked-bot'
import { defer, newStoreKey } from './helpers'

const CHILD = fileURLToPath(new URL('./quota-child.mjs', import.meta.url))

/** What a bot reports once every one of its accounts made its first request. */
export interface QuotaReport {
  type: 'done'
  ok: number
  failures: string[]
  /** One entry per login this bot made: how long it queued for a slot of the fleet quota (null: not at all). */
  logins: Array<{ queuedMs: number | null; at: number }>
  errors: string[]
}

/**
 * A TradeReady emulator enforcing its per-IP login limit as `maxLogins` per `windowMs` (the real counting rule, a
 * shorter window), `accounts` accounts on it, and `bots` processes that each hold every account, sharing one Redis
 * store. `start()` makes every account of every bot request a JWT route at the same moment.
 */
export async function startQuotaFleet(options: {
  redisUrl: string
  bots: number
  accounts: number
  maxLogins: number
  windowMs: number
  fleetQuota: FleetLoginQuota | false
}) {
  const emulator: TradeReadyEmulator = await startTradeReadyEmulator({ loginRateLimit: { limit: options.maxLogins, windowSeconds: options.windowMs / 1000 } })
  defer(() => emulator.close())
  const accounts = [emulator.credentials, ...Array.from({ length: options.accounts - 1 }, () => emulator.addAccount())]
  const env = {
    PATH: process.env.PATH ?? '',
    CHILD_REDIS: JSON.stringify({ url: options.redisUrl }),
    CHILD_STORE_KEY: newStoreKey(),
    CHILD_PREFIX: `quota-${Math.random().toString(36).slice(2, 8)}:`,
    CHILD_BASE_URL: emulator.url,
    CHILD_ACCOUNTS: JSON.stringify(accounts.map(({ apiKey, apiSecret }) => ({ apiKey, apiSecret }))),
    CHILD_FLEET_QUOTA: JSON.stringify(options.fleetQuota),
  }
  const bots = await Promise.all(Array.from({ length: options.bots }, () => forkBot(CHILD, env)))
  return {
    emulator,
    /** Starts every bot at once; resolves with their reports. */
    start: () =>
      Promise.all(
        bots.map(({ child, next }) => {
          const done = next<QuotaReport>('done')
          child.send({ cmd: 'go' })
          return done
        }),
      ),
  }
}

/**
 * How many windows the emulator's limiter opened for these request arrival times (epoch ms): a window opens at the
 * first request after the previous one ended, as the emulator counts.
 */
export function windowsOpened(arrivals: number[], windowMs: number): number[] {
  const starts: number[] = []
  for (const at of [...arrivals].sort((a, b) => a - b)) if (starts.length === 0 || at >= starts.at(-1)! + windowMs) starts.push(at)
  return starts
}
