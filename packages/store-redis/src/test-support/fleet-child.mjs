// A bot process of the fleet tests. Imports the BUILT packages (dist): run `pnpm build` first (`pnpm test` does).
// Talks to the parent over IPC; never sends or prints a token.
//   env: CHILD_REDIS (JSON: { url } | { cluster } | { sentinel }) CHILD_STORE_KEY CHILD_PREFIX CHILD_LOCK_TTL_MS
//        CHILD_BASE_URL CHILD_EMAIL CHILD_NOW_MS
//   parent → child: { cmd: 'round', nowMs, requests }   child → parent: { type: 'ready' } | { type: 'round', … }
import { setTimeout as sleep } from 'node:timers/promises'
import { createAxiomAuth } from '@authmux/password-login'
import { createRedisTokenStore } from '@authmux/store-redis'

const env = process.env
let nowMs = Number(env.CHILD_NOW_MS)
const store = createRedisTokenStore({
  ...JSON.parse(env.CHILD_REDIS),
  key: env.CHILD_STORE_KEY,
  prefix: env.CHILD_PREFIX,
  lockTtlMs: Number(env.CHILD_LOCK_TTL_MS || 10_000),
  env: {},
})
// No password: this process can only use and refresh the fleet's session, never log in on its own.
const auth = createAxiomAuth({ baseURL: env.CHILD_BASE_URL, email: env.CHILD_EMAIL, store, now: () => nowMs, backgroundRefresh: false, env: false })
const counts = { refreshes: 0, logins: 0, logouts: 0 }
const errors = []
auth.on('refresh', () => counts.refreshes++)
auth.on('login', (event) => {
  if (event.source === 'acquire') counts.logins++
})
auth.on('logout', () => counts.logouts++)
auth.on('error', (event) => errors.push(`${event.during}: ${event.error.name} ${event.error.code ?? ''}`))

async function round({ nowMs: at, requests }) {
  nowMs = at
  const results = await Promise.allSettled(Array.from({ length: requests }, () => auth.fetch('/user/info')))
  const ok = results.filter((r) => r.status === 'fulfilled' && r.value?.email === env.CHILD_EMAIL).length
  // A failure is named by its class and code: typed (an AuthError: `code` set) or not.
  const failures = results
    .filter((r) => r.status === 'rejected')
    .map((r) => `${r.reason?.name} ${r.reason?.code ?? 'untyped'} ${r.reason?.status ?? ''}`.trim())
  // Inside the refresh window the refresh runs in the background: wait until this process holds the new token.
  const deadline = Date.now() + 10_000
  while (auth.status().state !== 'valid' && Date.now() < deadline) await sleep(5)
  return {
    type: 'round',
    ok,
    failed: failures.length,
    failures: [...new Set(failures)],
    state: auth.status().state,
    expiresAt: auth.expiresAt,
    ...counts,
    errors: errors.splice(0),
  }
}

process.on('message', (message) => {
  if (message?.cmd === 'round') round(message).then((reply) => process.send(reply))
  if (message?.cmd === 'exit') store.close().finally(() => process.exit(0))
})
process.send({ type: 'ready' })
