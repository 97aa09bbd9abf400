// Fleet at scale: BENCH_PROCESSES worker processes × BENCH_ACCOUNTS accounts each (the same accounts in every
// process, as a fleet shares them), short-lived tokens refreshed at half-life through the Redis store — first a
// 3-master + 3-replica Redis Cluster, then a single Redis server, side by side. Per topology it reports:
//   - refresh calls per token generation (goal exactly 1: one process refreshes an account per rotation),
//   - Redis commands per refresh (INFO commandstats summed over the masters, over the rotating phase),
//   - p50 / p99 request latency while tokens rotate vs steady (tokens that outlive the phase),
//   - heap per account per process, and Redis memory per account.
// `node --expose-gc bench/fleet-cluster.mjs` after `pnpm build`. Not a timed test; CI does not run it.
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { emit, percentile, result, round } from './lib/harness.mjs'
import { commandStats, startCluster, startSingle, usedMemory } from './lib/redis-procs.mjs'

if (typeof globalThis.gc !== 'function') throw new Error('fleet-cluster: run with node --expose-gc')
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 8)
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 1_000)
/** Token lifetime while rotating: each account is refreshed once every LIFETIME_MS / 2. */
const LIFETIME_MS = Number(process.env.BENCH_LIFETIME_MS ?? 20_000)
const ROTATIONS = Number(process.env.BENCH_ROTATIONS ?? 3)
const STEADY_MS = Number(process.env.BENCH_STEADY_MS ?? 10_000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4)
const here = (file) => fileURLToPath(new URL(file, import.meta.url))
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** The token API in its own process. */
async function startApi() {
  const child = fork(here('./lib/fleet-token-server.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const port = await new Promise((resolve) => child.once('message', (m) => resolve(m.port)))
  const url = `http://127.0.0.1:${port}`
  const control = async (path, json) => (await fetch(`${url}${path}`, { method: json ? 'POST' : 'GET', body: json ? JSON.stringify(json) : undefined })).json()
  return { url, control, close: () => child.kill() }
}

/** A worker process; `ask(cmd, reply)` sends a command and resolves with the reply of that type. */
async function startWorker(env) {
  const child = fork(here('./lib/fleet-worker.mjs'), [], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  })
  const next = (type) =>
    new Promise((resolve) =>
      child.on('message', function on(m) {
        if (m.type !== type) return
        child.off('message', on)
        resolve(m)
      }),
    )
  await next('ready')
  return {
    ask: (message, reply) => {
      const answer = next(reply)
      child.send(message)
      return answer
    },
    exit: () => child.send({ cmd: 'exit' }),
  }
}

async function scenario(topology) {
  const api = await startApi()
  await api.control('/__config', { lifetimeMs: LIFETIME_MS })
  const masters = topology.masters()
  const memoryBefore = await usedMemory(masters)
  const env = {
    BENCH_REDIS: JSON.stringify(topology.target),
    BENCH_STORE_KEY: randomBytes(32).toString('base64url'),
    BENCH_PREFIX: 'bench:',
    BENCH_API: api.url,
    BENCH_ACCOUNTS: String(ACCOUNTS),
    BENCH_CONCURRENCY: String(CONCURRENCY),
  }
  const workers = await Promise.all(Array.from({ length: PROCESSES }, () => startWorker(env)))
  const loginStarted = performance.now()
  const logins = await Promise.all(workers.map((w) => w.ask({ cmd: 'login' }, 'logged-in')))
  const loginMs = performance.now() - loginStarted
  const afterLogin = await api.control('/__stats')
  const redisBytesPerAccount = ((await usedMemory(masters)) - memoryBefore) / ACCOUNTS

  // Rotating: every account's token is refreshed at half-life, ROTATIONS times, under a closed-loop request load.
  await api.control('/__reset', {})
  const commandsBefore = await commandStats(masters)
  const rotatingStarted = performance.now()
  await Promise.all(workers.map((w) => w.ask({ cmd: 'phase', name: 'rotating' }, 'phase')))
  await sleep((ROTATIONS * LIFETIME_MS) / 2)
  const rotating = await api.control('/__stats')
  const commandsAfter = await commandStats(masters)
  const rotatingMs = performance.now() - rotatingStarted

  // Then tokens that outlive the run: one more refresh per account hands them out, then nothing rotates.
  await api.control('/__config', { lifetimeMs: 3_600_000 })
  await Promise.all(workers.map((w) => w.ask({ cmd: 'phase', name: 'transition' }, 'phase')))
  await sleep(LIFETIME_MS / 2 + 2_000)
  await api.control('/__reset', {})
  const steadyCommandsBefore = await commandStats(masters)
  await Promise.all(workers.map((w) => w.ask({ cmd: 'phase', name: 'steady' }, 'phase')))
  await sleep(STEADY_MS)
  const steady = await api.control('/__stats')
  const steadyCommands = await commandStats(masters)
  const stopped = await Promise.all(workers.map((w) => w.ask({ cmd: 'stop' }, 'stopped')))
  for (const w of workers) w.exit()
  api.close()

  const diff = (after, before) =>
    Object.fromEntries(
      Object.entries(after)
        .map(([k, v]) => [k, v - (before[k] ?? 0)])
        .filter(([, v]) => v > 0),
    )
  const commands = diff(commandsAfter, commandsBefore)
  const totalCommands = Object.values(commands).reduce((a, b) => a + b, 0)
  const latencies = (phase) => stopped.flatMap((s) => s.latencies[phase] ?? [])
  const [rot, std] = [latencies('rotating'), latencies('steady')]
  const refreshes = rotating.refreshes
  return {
    topology: topology.name,
    loginMs: round(loginMs, 0),
    loginsAtStart: afterLogin.logins,
    rotatingMs: round(rotatingMs, 0),
    expectedGenerations: ACCOUNTS * ROTATIONS,
    generations: rotating.generations,
    refreshes,
    duplicateRefreshes: rotating.duplicates,
    refreshesPerGeneration: refreshes / Math.max(1, rotating.generations),
    loginsWhileRotating: rotating.logins,
    unauthorized: rotating.unauthorized + steady.unauthorized,
    commandsPerRefresh: totalCommands / Math.max(1, refreshes),
    commandsByName: Object.fromEntries(Object.entries(commands).map(([k, v]) => [k, round(v / Math.max(1, refreshes), 2)])),
    steadyRefreshes: steady.refreshes,
    steadyCommands: Object.values(diff(steadyCommands, steadyCommandsBefore)).reduce((a, b) => a + b, 0),
    requests: { rotating: rot.length, steady: std.length },
    p50: { rotating: percentile(rot, 50), steady: percentile(std, 50) },
    p99: { rotating: percentile(rot, 99), steady: percentile(std, 99) },
    heapPerAccountPerProcess: logins.reduce((a, l) => a + l.heapPerAccount, 0) / logins.length,
    rssPerProcessMB: round(logins.reduce((a, l) => a + l.rss, 0) / logins.length / 2 ** 20, 1),
    redisBytesPerAccount,
    errors: [...new Set(stopped.flatMap((s) => s.errors))],
    errorCount: stopped.reduce((a, s) => a + s.errorCount, 0),
    storeErrors: [...new Set(stopped.flatMap((s) => s.storeErrors))],
  }
}

const loadBefore = loadavg()[0]
const outcomes = []
for (const start of [startCluster, startSingle]) {
  const topology = await start()
  try {
    process.stderr.write(`fleet-cluster: ${topology.name}, ${PROCESSES} processes × ${ACCOUNTS} accounts …\n`)
    outcomes.push(await scenario(topology))
  } finally {
    topology.stop()
  }
}
const machine = {
  date: new Date().toISOString(),
  node: process.version,
  nproc: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  loadAverage1m: { before: round(loadBefore, 1), after: round(loadavg()[0], 1) },
}
const label = `${PROCESSES} processes × ${ACCOUNTS} accounts`
const [cluster, single] = outcomes
const rows = [
  result(`fleet: refresh calls per token generation, cluster (${label})`, cluster.refreshesPerGeneration, 'calls', single.refreshesPerGeneration, {
    goal: 'value = 1',
    pass: cluster.refreshesPerGeneration === 1,
    cluster,
    single,
  }),
  result(`fleet: Redis commands per refresh, cluster vs single server (${label})`, cluster.commandsPerRefresh, 'commands', single.commandsPerRefresh),
  result(`fleet: p99 request latency while rotating vs steady, cluster (${label})`, cluster.p99.rotating, 'ms', cluster.p99.steady),
  result(`fleet: p99 request latency while rotating vs steady, single server (${label})`, single.p99.rotating, 'ms', single.p99.steady),
  result(
    `fleet: heap per account per process, cluster vs single server (${label})`,
    cluster.heapPerAccountPerProcess,
    'bytes',
    single.heapPerAccountPerProcess,
  ),
]
writeFileSync(
  here('./results/fleet-cluster.json'),
  `${JSON.stringify({ machine, processes: PROCESSES, accounts: ACCOUNTS, lifetimeMs: LIFETIME_MS, rotations: ROTATIONS, outcomes }, null, 2)}\n`,
)
console.log(JSON.stringify(outcomes, null, 2))
emit(rows)
