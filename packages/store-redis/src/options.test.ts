import { ConfigError, StoreError } from '@authmux/core'
import { Cluster, Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { RedisUnavailableError, toStoreError } from './errors'
import { resolveOptions } from './options'
import { newStoreKey } from './test-support/helpers'

const key = newStoreKey()
const fails = (options: Parameters<typeof resolveOptions>[0]) => {
  try {
    resolveOptions({ key, env: {}, ...options })
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error('expected a ConfigError')
}

describe('cluster and sentinel options', () => {
  it('parses host:port nodes, says where Redis is without any password, and picks the defaults of a replicated Redis', () => {
    const cluster = resolveOptions({ key, env: {}, cluster: { nodes: ['10.0.0.1:7000', '[::1]:7001'], password: 'pw-canary-Q7' } })
    expect(cluster).toMatchObject({ sharded: true, replicaAcks: 1, unavailableWaitMs: 15_000, location: 'redis cluster 10.0.0.1:7000,::1:7001' })
    expect(cluster.cluster?.nodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: '::1', port: 7001 },
    ])
    const sentinel = resolveOptions({ key, env: {}, sentinel: { nodes: ['s1:26379'], masterName: 'tokens' }, replicaAcks: 2, unavailableWaitMs: 5_000 })
    expect(sentinel).toMatchObject({ sharded: false, replicaAcks: 2, unavailableWaitMs: 5_000, location: 'redis sentinel tokens@s1:26379' })
    expect(resolveOptions({ key, env: {}, url: 'redis://127.0.0.1:6379' })).toMatchObject({ sharded: false, replicaAcks: 0, unavailableWaitMs: 1_000 })
  })

  it('recognises a Cluster or a sentinel client you pass', () => {
    const cluster = new Cluster(['127.0.0.1:1'], { lazyConnect: true })
    const sentinel = new Redis({ sentinels: [{ host: '127.0.0.1', port: 1 }], name: 'tokens', lazyConnect: true })
    expect(resolveOptions({ key, env: {}, client: cluster })).toMatchObject({ sharded: true, replicaAcks: 1 })
    expect(resolveOptions({ key, env: {}, client: sentinel })).toMatchObject({ sharded: false, replicaAcks: 1 })
    cluster.disconnect()
    sentinel.disconnect()
  })

  it('names the bad option', () => {
    expect(fails({ cluster: { nodes: ['no-port'] } })).toMatch(/cluster\.nodes must list nodes as 'host:port'/)
    expect(fails({ cluster: { nodes: [] } })).toMatch(/cluster\.nodes/)
    expect(fails({ sentinel: { nodes: ['s:1'], masterName: '' } })).toMatch(/sentinel\.masterName is missing/)
    expect(fails({ url: 'redis://x:1', cluster: { nodes: ['x:1'] } })).toMatch(/cluster cannot be combined with url/)
    expect(fails({ prefix: 'app{:' })).toMatch(/prefix has an unclosed or empty '\{' hash tag/)
    expect(fails({ prefix: 'app{}:' })).toMatch(/hash tag/)
    expect(fails({ replicaAcks: -1 })).toMatch(/replicaAcks must be a number ≥ 0/)
    expect(fails({ replicaWaitMs: 0 })).toMatch(/replicaWaitMs must be a number of milliseconds ≥ 1/)
    expect(resolveOptions({ key, env: {}, prefix: '{fleet}:' }).prefix).toBe('{fleet}:')
  })
})

describe('Redis answers while a failover runs', () => {
  const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' })
  it.each([
    ['READONLY You can\u2019t write against a read only replica.', 'READONLY'],
    ['CLUSTERDOWN The cluster is down', 'CLUSTERDOWN'],
    ['TRYAGAIN Multiple keys request during rehashing of slot', 'TRYAGAIN'],
    ['MOVED 3999 127.0.0.1:6381', 'MOVED'],
    ['NOREPLICAS Not enough good replicas to write.', 'NOREPLICAS'],
  ])('%s → RedisUnavailableError', (message, reason) => {
    const error = toStoreError(reply(message), 'store k', 'redis cluster a:1')
    expect(error).toBeInstanceOf(RedisUnavailableError)
    expect(error.message).toContain(`(${reason})`)
  })

  it('a cluster that gave up redirecting, or is not ready, is unavailable too; a refusal is STORE_IO', () => {
    expect(toStoreError(new Error('Too many Cluster redirections. Last error: Error: Connection is closed.'), 'store k', 'c').message).toContain(
      '(cluster failing over)',
    )
    expect(toStoreError(new Error("Cluster isn't ready and enableOfflineQueue options is false"), 'store k', 'c').message).toContain('(not connected)')
    const refused = toStoreError(reply('NOPERM this user has no permissions'), 'store k', 'c')
    expect(refused).toBeInstanceOf(StoreError)
    expect(refused).not.toBeInstanceOf(RedisUnavailableError)
    expect(refused.code).toBe('STORE_IO')
  })
})
