// Redis servers for the fleet benchmark, started on free loopback ports and killed when the benchmark exits: one
// server, or a 3-master + 3-replica cluster (`redis-cli --cluster create … --cluster-replicas 1`). Plus readers of
// INFO commandstats / memory summed over the masters.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'

// ioredis as store-redis depends on it (the bench has no dependencies of its own).
const { Redis } = createRequire(new URL('../../packages/store-redis/package.json', import.meta.url))('ioredis')

const children = new Set()
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

async function client(port) {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  redis.on('error', () => {})
  await redis.connect()
  return redis
}

async function until(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`bench: ${what} did not happen within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function spawnRedis(args, cwd) {
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning', ...args], {
    stdio: 'ignore',
    cwd,
  })
  children.add(child)
  await until(`redis-server on ${port}`, async () => (await (await client(port)).ping()) === 'PONG', 10_000)
  return port
}

/** Sums `INFO commandstats` calls per command over `ports`. */
export async function commandStats(ports) {
  const totals = {}
  for (const port of ports) {
    const redis = await client(port)
    for (const line of (await redis.info('commandstats')).split('\n')) {
      const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line)
      if (match) totals[match[1]] = (totals[match[1]] ?? 0) + Number(match[2])
    }
    redis.disconnect()
  }
  return totals
}

/** Sums `used_memory` over `ports`, in bytes. */
export async function usedMemory(ports) {
  let total = 0
  for (const port of ports) {
    const redis = await client(port)
    total += Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1])
    redis.disconnect()
  }
  return total
}

/** One redis-server: `{ target: { url }, masters: [port], stop() }`. */
export async function startSingle() {
  const port = await spawnRedis([])
  return { name: 'single server', target: { url: `redis://127.0.0.1:${port}` }, masters: () => [port], stop: () => stopAll() }
}

/** A 3-master + 3-replica cluster: `{ target: { cluster: { nodes } }, masters(), stop() }`. */
export async function startCluster() {
  const dir = mkdtempSync(join(tmpdir(), 'authmux-bench-cluster-'))
  const ports = []
  for (let i = 0; i < 6; i++) {
    const bus = await freePort()
    ports.push(
      await spawnRedis(
        ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${i}.conf`, '--cluster-node-timeout', '2000', '--cluster-port', String(bus)],
        dir,
      ),
    )
  }
  const nodes = ports.map((port) => `127.0.0.1:${port}`)
  const created = spawnSync('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '1', '--cluster-yes'], { encoding: 'utf8' })
  if (created.status !== 0) throw new Error(`bench: redis-cli --cluster create failed: ${created.stderr}`)
  await until('the cluster settling', async () => {
    for (const port of ports) {
      const redis = await client(port)
      const [info, replication] = [await redis.call('CLUSTER', 'INFO'), await redis.info('replication')]
      redis.disconnect()
      if (!info.includes('cluster_state:ok') || (replication.includes('role:slave') && !replication.includes('master_link_status:up'))) return false
    }
    return true
  })
  const masters = []
  for (const port of ports) {
    const redis = await client(port)
    if ((await redis.info('replication')).includes('role:master')) masters.push(port)
    redis.disconnect()
  }
  return {
    name: 'cluster 3+3',
    target: { cluster: { nodes } },
    masters: () => masters,
    stop: () => {
      stopAll()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function stopAll() {
  for (const child of children) child.kill('SIGKILL')
  children.clear()
}
