// One bot process of the fleet benchmark: ACCOUNTS engine sessions (createSession, a small flow against
// fleet-token-server.mjs) sharing a Redis token store with the other workers, driven by the parent over IPC.
// Run with --expose-gc. Imports the BUILT packages.
//   env: BENCH_REDIS (JSON store target) BENCH_STORE_KEY BENCH_PREFIX BENCH_API BENCH_ACCOUNTS BENCH_CONCURRENCY
//   parent → child: { cmd: 'login' } | { cmd: 'phase', name } | { cmd: 'stop' } | { cmd: 'exit' }
import { createSession } from '../../packages/core/dist/index.js'
import { createRedisTokenStore } from '../../packages/store-redis/dist/index.js'

const env = process.env
const ACCOUNTS = Number(env.BENCH_ACCOUNTS)
const CONCURRENCY = Number(env.BENCH_CONCURRENCY ?? 4)
const heap = () => {
  for (let i = 0; i < 3; i++) globalThis.gc()
  return process.memoryUsage().heapUsed
}

/** The benchmark's provider: client login, refresh with the (rotating) refresh token, Bearer header. */
function flow(account) {
  return {
    name: 'fleetbench',
    packageName: '@authmux/bench',
    baseURL: env.BENCH_API,
    identity: account,
    async acquire(ctx) {
      const { data } = await ctx.request({ url: '/token', json: { account, grant: 'client' } })
      return { accessToken: data.access_token, refreshToken: data.refresh_token, expiresAt: ctx.expiry({ expiresAt: data.expires_at }) }
    },
    async renew(tokens, ctx) {
      const { data } = await ctx.request({ url: '/token', json: { account, grant: 'refresh', refresh_token: tokens.refreshToken } })
      return { accessToken: data.access_token, refreshToken: data.refresh_token, expiresAt: ctx.expiry({ expiresAt: data.expires_at }) }
    },
    apply(tokens, request) {
      if (tokens) request.headers.set('authorization', `Bearer ${tokens.accessToken}`)
    },
    isAuthEndpoint: (url) => url.pathname === '/token',
  }
}

const store = createRedisTokenStore({ ...JSON.parse(env.BENCH_REDIS), key: env.BENCH_STORE_KEY, prefix: env.BENCH_PREFIX, env: {} })
const storeErrors = []
store.on('error', (error) => storeErrors.push(`${error.name} ${error.code}`))
const baseline = heap()
const sessions = Array.from({ length: ACCOUNTS }, (_, i) =>
  createSession(flow(`acct-${i}`), { store, refreshWindow: { fraction: 0.5 }, mustRefreshBeforeExpiryMs: 1_000, requestTimeoutMs: 15_000 }),
)
const errors = []
for (const session of sessions) session.on('error', (event) => errors.push(`${event.during}: ${event.error.name} ${event.error.code}`))

let phase = 'idle'
const latencies = {}
let running = false
async function loop() {
  running = true
  const worker = async () => {
    while (running) {
      const session = sessions[(Math.random() * ACCOUNTS) | 0]
      const started = performance.now()
      try {
        await session.fetch('/data')
        ;(latencies[phase] ??= []).push(performance.now() - started)
      } catch (error) {
        errors.push(`request: ${error.name} ${error.code}`)
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
}
let looping

process.on('message', async (message) => {
  if (message.cmd === 'login') {
    for (let i = 0; i < ACCOUNTS; i += 100) await Promise.all(sessions.slice(i, i + 100).map((s) => s.ensureValid()))
    const perAccount = (heap() - baseline) / ACCOUNTS
    process.send({ type: 'logged-in', heapPerAccount: perAccount, rss: process.memoryUsage().rss })
  }
  if (message.cmd === 'phase') {
    phase = message.name
    looping ??= loop()
    process.send({ type: 'phase', name: phase })
  }
  if (message.cmd === 'stop') {
    running = false
    await looping
    process.send({ type: 'stopped', latencies, errors: [...new Set(errors)], errorCount: errors.length, storeErrors: [...new Set(storeErrors)] })
  }
  if (message.cmd === 'exit') {
    for (const session of sessions) session.dispose()
    await store.close()
    process.exit(0)
  }
})
process.send({ type: 'ready' })
