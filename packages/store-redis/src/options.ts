import { ConfigError, decodeStoreKey, type StoreKeyInput } from './deps'
import type { RedisClusterOptions, RedisSentinelOptions, RedisTokenStoreOptions } from './types'

export const PACKAGE_NAME = '@authmux/store-redis'
const ENV_URL = 'AUTHMUX_REDIS_URL'
const ENV_KEY = 'AUTHMUX_STORE_KEY'

/** A `host:port` node of a cluster or a sentinel. */
export interface RedisNode {
  host: string
  port: number
}

export interface ResolvedOptions {
  /** Connection URL (only when the store opens a single-server connection). */
  url: string | undefined
  /** The cluster to open, nodes parsed. */
  cluster: (Omit<RedisClusterOptions, 'nodes'> & { nodes: RedisNode[] }) | undefined
  /** The sentinels to ask, nodes parsed. */
  sentinel: (Omit<RedisSentinelOptions, 'nodes'> & { nodes: RedisNode[] }) | undefined
  /** Whether keys live in a Redis Cluster (sharded pub/sub). */
  sharded: boolean
  /** Where Redis is, without any password, for messages. */
  location: string
  key: StoreKeyInput
  prefix: string
  lockTtlMs: number
  lockWaitMs: number
  lockPollMs: number
  commandTimeoutMs: number
  connectTimeoutMs: number
  unavailableWaitMs: number
  whenUnavailable: 'run-unlocked' | 'throw'
  replicaAcks: number
  replicaWaitMs: number
}

const configError = (field: string, text: string) => new ConfigError(`${PACKAGE_NAME}: ${field} ${text}`, { field })

/** Checks a Redis URL and returns it without its password (and user), so it can go into messages. */
function locationOf(url: string, field: string): string {
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {}
  if (parsed?.protocol !== 'redis:' && parsed?.protocol !== 'rediss:') {
    throw configError(field, 'must be a redis:// or rediss:// URL (redis://:password@host:6379/0).')
  }
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`
}

/** Parses `host:port` nodes (`[::1]:7000` for IPv6). */
function nodesOf(nodes: unknown, field: string): RedisNode[] {
  const parsed = Array.isArray(nodes) ? nodes.map((node) => /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(String(node))) : []
  if (parsed.length === 0 || parsed.some((match) => !match)) throw configError(field, "must list nodes as 'host:port', e.g. ['10.0.0.1:6379'].")
  return parsed.map((match) => ({ host: match![1]!, port: Number(match![2]) }))
}

/**
 * Checks a prefix for hash tags: a `{tag}` in it pins every key of the store to one slot (allowed); a `{` without
 * its `}`, or `{}`, would split a credential's keys across slots.
 */
function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string') throw configError('prefix', "must be a string such as 'authmux:'.")
  const open = prefix.indexOf('{')
  const close = prefix.indexOf('}', open + 1)
  if (open >= 0 && close <= open + 1) throw configError('prefix', "has an unclosed or empty '{' hash tag — write a whole tag ('{app}:') or none.")
  return prefix
}

/** Validates options eagerly: a bad key, URL, node or duration is a `ConfigError` naming the option or env variable. */
export function resolveOptions(options: RedisTokenStoreOptions): ResolvedOptions {
  /** The numeric option `field`, at least `min`; `fallback` when not given. */
  const num = (field: keyof RedisTokenStoreOptions, fallback: number, min = 1): number => {
    const value = options[field] as number | undefined
    if (value === undefined) return fallback
    if (!Number.isFinite(value) || value < min) throw configError(field, `must be a number${field.endsWith('Ms') ? ' of milliseconds' : ''} ≥ ${min}.`)
    return value
  }
  const given = (['url', 'cluster', 'sentinel', 'client'] as const).filter((name) => options[name] !== undefined)
  if (given.length > 1) throw configError(given[1]!, `cannot be combined with ${given[0]} — give one of url, cluster, sentinel, client.`)
  const env = options.env ?? (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {}
  const fromEnv = (name: string) => env[name]?.trim() || undefined
  const { client } = options
  let url: string | undefined
  let cluster: ResolvedOptions['cluster']
  let sentinel: ResolvedOptions['sentinel']
  let location = 'redis (client given)'
  const list = (nodes: RedisNode[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',')
  if (options.cluster) {
    const nodes = nodesOf(options.cluster.nodes, 'cluster.nodes')
    cluster = { ...options.cluster, nodes }
    location = `redis cluster ${list(nodes)}`
  } else if (options.sentinel) {
    const nodes = nodesOf(options.sentinel.nodes, 'sentinel.nodes')
    const { masterName } = options.sentinel
    if (typeof masterName !== 'string' || !masterName) throw configError('sentinel.masterName', "is missing — the name in 'sentinel monitor <name> …'.")
    sentinel = { ...options.sentinel, nodes }
    location = `redis sentinel ${masterName}@${list(nodes)}`
  } else if (!client) {
    const envUrl = fromEnv(ENV_URL)
    url = options.url !== undefined ? options.url : (envUrl ?? 'redis://127.0.0.1:6379')
    location = locationOf(url, options.url === undefined && envUrl !== undefined ? ENV_URL : 'url')
  }
  const sharded = cluster !== undefined || (client as { isCluster?: boolean } | undefined)?.isCluster === true
  const replicated = sharded || sentinel !== undefined || ((client as { options?: { sentinels?: unknown[] } })?.options?.sentinels?.length ?? 0) > 0
  let key = options.key
  const origin = { field: key === undefined ? ENV_KEY : 'key', packageName: PACKAGE_NAME }
  if (key === undefined) {
    key = fromEnv(ENV_KEY)
    if (key === undefined) {
      throw configError('key', `is missing — pass { key } or set ${ENV_KEY} to \`openssl rand -base64 32\`, the same in every process.`)
    }
  }
  // A CryptoKey is used as given; bytes and strings are decoded now, so a bad key fails at construction.
  if (typeof key !== 'object' || key instanceof Uint8Array || key instanceof ArrayBuffer) key = decodeStoreKey(key, origin)
  const lockTtlMs = num('lockTtlMs', 10_000, 30)
  const whenUnavailable = options.whenUnavailable ?? 'run-unlocked'
  if (whenUnavailable !== 'run-unlocked' && whenUnavailable !== 'throw') throw configError('whenUnavailable', "must be 'run-unlocked' or 'throw'.")
  return {
    url,
    cluster,
    sentinel,
    sharded,
    location,
    key,
    prefix: checkPrefix(options.prefix ?? 'authmux:'),
    lockTtlMs,
    lockWaitMs: num('lockWaitMs', 30_000, 0),
    lockPollMs: num('lockPollMs', Math.min(Math.max(lockTtlMs / 5, 20), 500), 10),
    commandTimeoutMs: num('commandTimeoutMs', 2_000),
    connectTimeoutMs: num('connectTimeoutMs', 2_000),
    unavailableWaitMs: num('unavailableWaitMs', replicated ? 15_000 : 1_000, 0),
    whenUnavailable,
    replicaAcks: Math.floor(num('replicaAcks', replicated ? 1 : 0, 0)),
    replicaWaitMs: num('replicaWaitMs', 250),
  }
}
