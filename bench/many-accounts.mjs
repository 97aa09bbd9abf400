// 5) Many accounts: ACCOUNTS ProjectX strategies in one process. Heap per idle strategy (no token yet), heap per
// strategy holding a token with a scheduled background refresh, and how many timers stay alive. Run with
// `node --expose-gc`. Baseline for the heap figures: the 2 kB goal; for timers: one timer per strategy (ACCOUNTS).
import { emit, importCore, result } from './lib/harness.mjs'

if (typeof globalThis.gc !== 'function') throw new Error('many-accounts: run with node --expose-gc')
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 10_000)
const { createSession, refreshScheduler } = await importCore()
const { createProjectXAuth } = await import(new URL('../packages/key-secret-jwt/dist/index.js', import.meta.url).href)

const heap = () => {
  for (let i = 0; i < 3; i++) globalThis.gc()
  return process.memoryUsage().heapUsed
}
const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length

// Warm up module-level state (schemas, classes) so it isn't counted per strategy.
const warm = createProjectXAuth({ username: 'warm', apiKey: 'warm-key-0123456789', baseURL: 'http://127.0.0.1:9/api' })
await warm.setTokens({ accessToken: 'warm-token', expiresAt: Date.now() + 3_600_000 })
warm.dispose()

const timersBefore = timeouts()
const before = heap()
const strategies = []
for (let i = 0; i < ACCOUNTS; i++) {
  strategies.push(createProjectXAuth({ username: `trader${i}`, apiKey: `px-api-key-${i}-0123456789`, baseURL: 'http://127.0.0.1:9/api' }))
}
const idle = heap()
for (let i = 0; i < ACCOUNTS; i++) {
  await strategies[i].setTokens({ accessToken: `token-${i}-${'x'.repeat(40)}`, expiresAt: Date.now() + 3_600_000 + i })
}
const withTokens = heap()
const timersAlive = timeouts() - timersBefore
const schedulerTimers = refreshScheduler.timers
const scheduled = refreshScheduler.size
for (const s of strategies) s.dispose()

// The same count of bare engine sessions (a minimal flow), to separate the engine's share from the preset's.
strategies.length = 0
const beforeCore = heap()
for (let i = 0; i < ACCOUNTS; i++) strategies.push(createSession(coreFlow(i)))
const coreIdleBytes = (heap() - beforeCore) / ACCOUNTS
strategies.length = 0

const idleBytes = (idle - before) / ACCOUNTS
const tokenBytes = (withTokens - before) / ACCOUNTS
emit([
  result(`many accounts: heap per idle ProjectX strategy (${ACCOUNTS} in one process)`, idleBytes, 'bytes', 2048, {
    goal: 'value ≤ 2048',
    pass: idleBytes <= 2048,
  }),
  result(`many accounts: heap per idle bare engine session (createSession with a minimal flow)`, coreIdleBytes, 'bytes', 2048, {
    goal: 'value ≤ 2048',
    pass: coreIdleBytes <= 2048,
  }),
  result(`many accounts: heap per ProjectX strategy holding a token + scheduled refresh`, tokenBytes, 'bytes', 2048, {
    note: 'includes its MemoryTokenStore entry and token strings',
  }),
  result(`many accounts: timers alive for ${ACCOUNTS} strategies with scheduled refreshes (refreshScheduler.timers)`, schedulerTimers, 'timers', ACCOUNTS, {
    goal: `value < ${ACCOUNTS}`,
    pass: schedulerTimers < ACCOUNTS && timersAlive < ACCOUNTS,
    refTimeoutsAdded: timersAlive,
    scheduledEntries: scheduled,
  }),
])

function coreFlow(i) {
  return {
    name: 'bare',
    packageName: '@authmux/bench',
    baseURL: 'http://127.0.0.1:9/api',
    secrets: [`secret-${i}-0123456789`],
    identity: `user${i}`,
    acquire: async () => ({ accessToken: 'never' }),
    apply: (tokens, request) => request.headers.set('authorization', `Bearer ${tokens.accessToken}`),
  }
}
