import type { ChainableCommander } from 'ioredis'
import type { RedisClient } from './connection'

/**
 * Sends one command and, when `acks` > 0, `WAIT acks waitMs` right behind it in the same round trip (a pipeline goes
 * to the node that holds the command's key, also in a cluster). Resolves with the command's answer and whether
 * enough replicas confirmed it; rejects with the command's own error.
 */
export async function withReplicas(
  redis: RedisClient,
  acks: number,
  waitMs: number,
  command: (pipeline: ChainableCommander) => ChainableCommander,
): Promise<{ answer: unknown; confirmed: boolean }> {
  const pipeline = command(redis.pipeline())
  if (acks > 0) pipeline.wait(acks, waitMs)
  const [[error, answer] = [], [waitError, confirmedBy] = []] = (await pipeline.exec()) ?? []
  if (error) throw error
  return { answer, confirmed: acks === 0 || (!waitError && Number(confirmedBy) >= acks) }
}
