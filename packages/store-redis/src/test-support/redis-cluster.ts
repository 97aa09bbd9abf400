import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onServer } from './one-command'
import { freePort, spawnRedis, type TestRedis } from './redis-server'

/** A 3-master + 3-replica Redis Cluster on loopback ports, started by a test (`redis-cli --cluster create`). */
export interface TestCluster {
  /** Every node, by port. */
  nodes: TestRedis[]
  /** `host:port` of every node, for `createRedisTokenStore({ cluster: { nodes } })`. */
  startupNodes: string[]
  /** The node that is master of `redisKey`'s slot now, and its replicas. */
  ownerOf(redisKey: string): Promise<{ master: TestRedis; replicas: TestRedis[] }>
  /** Resolves once every live node says `cluster_state:ok` and every live replica is in sync with its master. */
  settled(timeoutMs?: number): Promise<void>
  /** Stops every node and removes the nodes' config files. */
  stop(): Promise<void>
}

/** `CLUSTER NODES` of a node: address, flags and the master id of every node it knows. */
async function clusterNodes(port: number) {
  const text = await onServer(port, (client) => client.call('CLUSTER', 'NODES') as Promise<string>)
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, address, flags, masterId, , , , , ...slots] = line.split(' ')
      return { id: id!, port: Number(/:(\d+)@/.exec(address!)![1]), flags: flags!.split(','), masterId: masterId!, slots }
    })
}

/** Polls `check` until it holds or `timeoutMs` ran out (then throws, naming `what`). */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`@authmux/store-redis tests: ${what} did not happen within ${timeoutMs} ms.`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * Starts six `redis-server --cluster-enabled yes` (node timeout 1 s, so a replica takes over about 2 s after its
 * master dies; cluster bus on its own free port) in a temporary directory and joins them with `redis-cli --cluster
 * create … --cluster-replicas 1`. Stop it in `afterAll`; a crashed test process kills the servers as it exits.
 */
export async function startTestCluster(): Promise<TestCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'authmux-cluster-'))
  const nodes: TestRedis[] = []
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()))
    await rm(dir, { recursive: true, force: true })
  }
  try {
    for (let i = 0; i < 6; i++) {
      const [port, busPort] = [await freePort(), await freePort()]
      const args = [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--cluster-node-timeout',
        '1000',
        '--cluster-port',
        String(busPort),
      ]
      nodes.push(await spawnRedis(port, args, { cwd: dir }))
    }
    const startupNodes = nodes.map((node) => `127.0.0.1:${node.port}`)
    await new Promise<void>((resolve, reject) => {
      const cli = spawn('redis-cli', ['--cluster', 'create', ...startupNodes, '--cluster-replicas', '1', '--cluster-yes'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      let stderr = ''
      cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      cli.once('error', reject)
      cli.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`@authmux/store-redis tests: redis-cli --cluster create failed (${code}): ${stderr}`)),
      )
    })
    const alive = new Set(nodes)
    for (const node of nodes) {
      const kill = node.kill
      node.kill = async () => {
        alive.delete(node)
        await kill()
      }
    }
    const byPort = (port: number) => nodes.find((node) => node.port === port)!
    const cluster: TestCluster = {
      nodes,
      startupNodes,
      async ownerOf(redisKey) {
        const [first] = [...alive]
        const slot = Number(await onServer(first!.port, (client) => client.call('CLUSTER', 'KEYSLOT', redisKey)))
        const table = await clusterNodes(first!.port)
        const master = table.find(
          (n) =>
            n.flags.includes('master') &&
            !n.flags.includes('fail') &&
            n.slots.some((range) => {
              const [from, to = from] = range.split('-').map(Number)
              return slot >= from! && slot <= to!
            }),
        )!
        const replicas = table.filter((n) => n.masterId === master.id && !n.flags.includes('fail')).map((n) => byPort(n.port))
        return { master: byPort(master.port), replicas }
      },
      async settled(timeoutMs = 20_000) {
        await until(
          'the cluster settling',
          async () => {
            for (const node of alive) {
              const info = await onServer(node.port, (client) => client.call('CLUSTER', 'INFO') as Promise<string>)
              if (!info.includes('cluster_state:ok')) return false
              const replication = await onServer(node.port, (client) => client.info('replication'))
              if (replication.includes('role:slave') && !replication.includes('master_link_status:up')) return false
            }
            return true
          },
          timeoutMs,
        )
      },
      stop,
    }
    await cluster.settled()
    return cluster
  } catch (error) {
    await stop()
    throw error
  }
}
