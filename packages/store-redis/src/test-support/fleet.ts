import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startAxiomEmulator, type AxiomEmulator } from '@authmux/testkit'
import type { TokenStore } from '@authmux/core'
import { createAxiomAuth } from '@authmux/password-login'
import { forkBot } from './forked-bot'
import { defer, newStoreKey } from './helpers'
import { createRedisTokenStore } from '../store'
import type { RedisTokenStoreOptions } from '../types'

const CHILD = fileURLToPath(new URL('./fleet-child.mjs', import.meta.url))

/** 2026-01-15T12:00:00Z — the emulator clock is frozen here and moved with `clock.advance()`. */
export const START_MS = Date.UTC(2026, 0, 15, 12, 0, 0)

/** What a child reports after a round of requests. */
export interface RoundReport {
  type: 'round'
  ok: number
  failed: number
  failures: string[]
  state: string
  expiresAt?: number
  refreshes: number
  logins: number
  logouts: number
  errors: string[]
}

export interface Bot {
  process: ChildProcess
  /** Fires `requests` concurrent requests with the clock at `nowMs`; resolves with the child's report. */
  round(nowMs: number, requests: number): Promise<RoundReport>
}

export interface Fleet {
  emulator: AxiomEmulator
  storeKey: string
  prefix: string
  /** Starts a bot process (SIGKILLed after the test if still running). */
  spawnBot(options?: { lockTtlMs?: number }): Promise<Bot>
}

/**
 * An Axiom strategy with the emulator's demo account that logs in with the code from its inbox, lives on the
 * emulator's virtual clock and has no background timer (tests drive time).
 */
export function emulatedAxiomAuth(emulator: AxiomEmulator, store: TokenStore) {
  const { email, password } = emulator.credentials
  return createAxiomAuth({
    baseURL: emulator.url,
    email,
    password,
    otp: async () => emulator.inbox.latestCode(email) ?? '',
    store,
    now: () => emulator.clock.now(),
    backgroundRefresh: false,
    env: false,
  })
}

/** Where the fleet's Redis is: a URL, or `{ cluster }` / `{ sentinel }` options. */
export type FleetRedis = string | Pick<RedisTokenStoreOptions, 'cluster' | 'sentinel'>

/**
 * An Axiom emulator (frozen clock, refresh-token rotation on) whose session was logged in once by this process and
 * stored in Redis under `prefix`, ready for bot processes that can only refresh it.
 */
export async function startFleet(redis: FleetRedis, options: { rotateRefreshTokens?: boolean } = {}): Promise<Fleet> {
  const target = typeof redis === 'string' ? { url: redis } : redis
  const emulator = await startAxiomEmulator({ startMs: START_MS, rotateRefreshTokens: options.rotateRefreshTokens ?? true })
  defer(() => emulator.close())
  const storeKey = newStoreKey()
  const prefix = `fleet-${Math.random().toString(36).slice(2, 8)}:`
  const store = createRedisTokenStore({ ...target, key: storeKey, prefix, env: {} })
  const admin = emulatedAxiomAuth(emulator, store)
  await admin.login()
  admin.dispose()
  await store.close()

  const spawnBot = async (botOptions: { lockTtlMs?: number } = {}): Promise<Bot> => {
    const { child, next } = await forkBot(CHILD, {
      PATH: process.env.PATH ?? '',
      CHILD_REDIS: JSON.stringify(target),
      CHILD_STORE_KEY: storeKey,
      CHILD_PREFIX: prefix,
      CHILD_LOCK_TTL_MS: String(botOptions.lockTtlMs ?? 10_000),
      CHILD_BASE_URL: emulator.url,
      CHILD_EMAIL: emulator.credentials.email,
      CHILD_NOW_MS: String(emulator.clock.now()),
    })
    return {
      process: child,
      round(nowMs, requests) {
        const reply = next<RoundReport>('round')
        child.send({ cmd: 'round', nowMs, requests })
        return reply
      },
    }
  }
  return { emulator, storeKey, prefix, spawnBot }
}
