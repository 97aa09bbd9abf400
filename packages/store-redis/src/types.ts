import type { QuotaSlot, QuotaSlotRequest, StoreError, TokenSet, TokenStore } from '@authmux/core'
import type { StoreKeyInput } from '@authmux/core/envelope'
import type { Cluster, Redis } from 'ioredis'

/** A Redis Cluster to open: startup nodes and credentials. */
export interface RedisClusterOptions {
  /** Some of the cluster's nodes as `host:port` (one reachable node is enough; the client learns the others). */
  nodes: string[]
  /** ACL user, when the cluster has one. */
  username?: string
  /** Password of the nodes. Secret. */
  password?: string
}

/** A Redis master watched by Sentinel: the store asks the sentinels where the master is, and follows failovers. */
export interface RedisSentinelOptions {
  /** Sentinels as `host:port`. */
  nodes: string[]
  /** The monitored master's name (`sentinel monitor <name> …`). */
  masterName: string
  /** ACL user of the Redis servers, when they have one. */
  username?: string
  /** Password of the Redis servers. Secret. */
  password?: string
  /** Password of the sentinels, when they have one. Secret. */
  sentinelPassword?: string
}

/** Options of `createRedisTokenStore`. Give at most one of `url`, `cluster`, `sentinel` and `client`. */
export interface RedisTokenStoreOptions {
  /**
   * Redis URL: `redis://[[user]:password@]host:port/db`, or `rediss://…` for TLS.
   * Default: `AUTHMUX_REDIS_URL`, else `redis://127.0.0.1:6379`. Ignored when `client` is given.
   */
  url?: string
  /**
   * A Redis Cluster: the store opens an ioredis `Cluster`, keeps every credential's keys in one slot (hash tags) and
   * announces changes with sharded pub/sub (Redis ≥ 7).
   */
  cluster?: RedisClusterOptions
  /** A master and its replicas under Redis Sentinel: the store connects to whichever server is master. */
  sentinel?: RedisSentinelOptions
  /**
   * An ioredis client (`Redis`, also with sentinel options, or `Cluster`) to use instead of opening one. The store
   * never closes it, and uses `client.duplicate()` for its pub/sub connection. Give it `maxRetriesPerRequest` ≤ 1 and
   * a `commandTimeout`, or a request may hang on Redis.
   */
  client?: Redis | Cluster
  /**
   * Replicas that must confirm a token write or a lock (`WAIT`) before the store goes on, so that a failover right
   * after it does not lose it. Default 1 with `cluster` or `sentinel` (or such a `client`), else 0. Set 0 for a
   * cluster without replicas.
   */
  replicaAcks?: number
  /** Longest wait in ms for those replicas; a write they did not confirm by then is reported and written again later. Default 250. */
  replicaWaitMs?: number
  /**
   * The 32-byte AES-256 key that encrypts every token set before it reaches Redis: raw bytes, a base64 / base64url /
   * 64-hex-digit string, or a `CryptoKey`. Every process of the fleet needs the same key. Default: `AUTHMUX_STORE_KEY`.
   */
  key?: StoreKeyInput
  /** Prefix of every Redis key and of the pub/sub channel this store uses. Default `authmux:`. */
  prefix?: string
  /**
   * Lifetime of the refresh lock in ms. The holder extends it every `lockTtlMs / 3` while it is alive, so a crashed
   * holder's lock frees itself after at most this long. Default 10000.
   */
  lockTtlMs?: number
  /** Longest wait in ms for a lock another process holds, before `StoreError` `STORE_LOCK_TIMEOUT`. Default 30000. */
  lockWaitMs?: number
  /**
   * Longest pause in ms between two attempts to take a lock another process holds (attempts back off from 10 ms).
   * A release message wakes waiters at once; polling covers a crashed holder and a lost message.
   * Default `min(max(lockTtlMs / 5, 20), 500)`.
   */
  lockPollMs?: number
  /** Each Redis command fails after this many ms without an answer (`RedisUnavailableError`). Default 2000. */
  commandTimeoutMs?: number
  /** Connecting to Redis fails after this many ms. Default 2000. */
  connectTimeoutMs?: number
  /**
   * How long `withLock` and `set` keep retrying while Redis is unreachable, in ms, before `withLock` applies
   * `whenUnavailable` and `set` throws. Default 1000 for a single server; 15000 with `cluster` or `sentinel`, long
   * enough for a failover, so that a refresh neither runs unlocked nor loses its token while a replica takes over.
   */
  unavailableWaitMs?: number
  /**
   * What `withLock` does when Redis stays unreachable for `unavailableWaitMs`:
   * - `'run-unlocked'` (default): report a `RedisUnavailableError` and run `fn` without the cross-process lock, so a
   *   process whose token expired can still refresh (processes may then refresh in parallel until Redis is back);
   * - `'throw'`: throw the `RedisUnavailableError` (the engine keeps serving a still-valid token and reports it).
   */
  whenUnavailable?: 'run-unlocked' | 'throw'
  /** Receives every `StoreError` the store recovers from (Redis down, corrupt entry, lock lost). Same as `on('error')`. */
  onError?: (error: StoreError) => void
  /** Environment to read `AUTHMUX_REDIS_URL` / `AUTHMUX_STORE_KEY` from. Default `process.env`. */
  env?: Record<string, string | undefined>
}

/** A change to a stored token set, published to every process using the same Redis and prefix. Never holds a secret. */
export interface TokenChange {
  /** The credential key that changed. */
  key: string
  /** `set`: a newer token set was stored; `delete`: the entry was removed (logout). */
  type: 'set' | 'delete'
  /** `meta.issuedAt` (epoch ms) of the stored set, for `set`. */
  issuedAt?: number
}

/** A `TokenStore` in Redis shared by a fleet of processes. */
export interface RedisTokenStore extends TokenStore {
  /** The latest stored token set, read from Redis on every call; `undefined` when absent or unreadable (reported). */
  get(key: string): Promise<TokenSet | undefined>
  /**
   * Stores `tokens` encrypted, unless Redis already holds a newer set (`meta.issuedAt`, epoch ms, compared inside
   * Redis): an older set never overwrites a newer one. Publishes a `TokenChange`. A write that failed, or that no
   * replica confirmed, is kept in memory and written again (still compare-and-set) until Redis has it.
   */
  set(key: string, tokens: TokenSet): Promise<void>
  /** Removes the entry and publishes a `TokenChange`. */
  delete(key: string): Promise<void>
  /** Runs `fn` while holding a lock on `key` that excludes every process using this Redis and prefix. Not re-entrant. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>
  /** Calls `listener` whenever any process stores or deletes `key`. Returns an unsubscribe function. */
  onChange(key: string, listener: (change: TokenChange) => void): () => void
  /** Opens the pub/sub connection; resolves once changes are being received (`onChange` calls it for you). */
  subscribe(): Promise<void>
  /**
   * Takes a slot of a quota every process using this Redis and prefix shares (a sliding window on Redis' clock):
   * the engine's fleet-wide login quota (`loginLimit.fleetQuota`).
   */
  takeQuotaSlot(request: QuotaSlotRequest): Promise<QuotaSlot>
  /** Subscribes to recovered errors. Returns an unsubscribe function. */
  on(event: 'error', listener: (error: StoreError) => void): () => void
  /** Closes the connections the store opened (not a `client` you passed). */
  close(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}
