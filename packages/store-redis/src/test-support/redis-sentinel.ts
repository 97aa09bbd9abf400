import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onServer } from './one-command'
import { until } from './redis-cluster'
import { freePort, spawnRedis, type TestRedis } from './redis-server'

/** A master, its replica and three sentinels on loopback ports, started by a test. */
export interface TestSentinel {
  /** The monitored master's name. */
  masterName: string
  /** The two data servers (master first, at the start). */
  servers: TestRedis[]
  /** `host:port` of the three sentinels, for `createRedisTokenStore({ sentinel: { nodes, masterName } })`. */
  sentinelNodes: string[]
  /** The server the sentinels name as master now. */
  master(): Promise<TestRedis>
  /** The other one. */
  replica(): Promise<TestRedis>
  /** Resolves once the sentinels name a master other than `port` (a failover happened). */
  failedOverFrom(port: number, timeoutMs?: number): Promise<TestRedis>
  stop(): Promise<void>
}

const MASTER_NAME = 'authmux-test'

/**
 * Starts a master, a replica of it and three sentinels (quorum 2, master down after 1 s, failover timeout 3 s) in a
 * temporary directory, and waits until every sentinel knows the replica and the other sentinels, so a failover can
 * be elected. Stop it in `afterAll`; a crashed test process kills the servers as it exits.
 */
export async function startTestSentinel(): Promise<TestSentinel> {
  const dir = await mkdtemp(join(tmpdir(), 'authmux-sentinel-'))
  const servers: TestRedis[] = []
  const sentinels: TestRedis[] = []
  const stop = async () => {
    await Promise.all([...sentinels, ...servers].map((server) => server.stop()))
    await rm(dir, { recursive: true, force: true })
  }
  try {
    const master = await spawnRedis(await freePort())
    servers.push(master, await spawnRedis(await freePort(), ['--replicaof', '127.0.0.1', String(master.port)]))
    for (let i = 0; i < 3; i++) {
      const port = await freePort()
      const config = join(dir, `sentinel-${port}.conf`)
      await writeFile(
        config,
        [
          'bind 127.0.0.1',
          `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${master.port} 2`,
          `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
          `sentinel failover-timeout ${MASTER_NAME} 3000`,
          `sentinel parallel-syncs ${MASTER_NAME} 1`,
          '',
        ].join('\n'),
      )
      sentinels.push(await spawnRedis(port, [], { cwd: dir, sentinel: config }))
    }
    const masterPort = async () =>
      Number((await onServer(sentinels[0]!.port, (c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME) as Promise<string[]>))[1])
    const byPort = (port: number) => servers.find((server) => server.port === port)!
    await until('the replica syncing', async () => (await onServer(servers[1]!.port, (c) => c.info('replication'))).includes('master_link_status:up'))
    await until('the sentinels meeting the replica and each other', async () => {
      for (const sentinel of sentinels) {
        const info = (await onServer(sentinel.port, (c) => c.call('SENTINEL', 'MASTER', MASTER_NAME))) as string[]
        const field = (name: string) => Number(info[info.indexOf(name) + 1])
        if (field('num-slaves') < 1 || field('num-other-sentinels') < 2) return false
      }
      return true
    })
    return {
      masterName: MASTER_NAME,
      servers,
      sentinelNodes: sentinels.map((s) => `127.0.0.1:${s.port}`),
      master: async () => byPort(await masterPort()),
      async replica() {
        const port = await masterPort()
        return servers.find((server) => server.port !== port)!
      },
      async failedOverFrom(port, timeoutMs = 20_000) {
        await until('the sentinel failover', async () => (await masterPort()) !== port, timeoutMs)
        const promoted = byPort(await masterPort())
        await until(
          'the new master taking writes',
          async () => (await onServer(promoted.port, (c) => c.info('replication'))).includes('role:master'),
          timeoutMs,
        )
        return promoted
      },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
